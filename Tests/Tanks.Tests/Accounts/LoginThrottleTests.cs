using System.Net;
using Tanks.Grains.Accounts;

namespace Tanks.Tests.Accounts;

public sealed class LoginThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")] // a dual-stack socket's IPv4 client is the same client
    [InlineData("2001:db8:7:1:aaaa:bbbb:cccc:dddd", "2001:db8:7:1::/64")]
    [InlineData("2001:db8:7:1::1", "2001:db8:7:1::/64")]
    [InlineData("2001:db8:7:2::1", "2001:db8:7:2::/64")]
    public void Addresses_are_keyed_by_ipv4_address_and_ipv6_slash_64(string address, string key)
    {
        Assert.Equal(key, LoginThrottle.AddressKey(IPAddress.Parse(address)));
    }

    [Fact]
    public void A_trusted_address_passes_the_lock_over_all_addresses_but_not_its_own()
    {
        var throttle = new LoginThrottle(new AccountOptions { MaxFailedLogins = 3, MaxFailedLoginsAllAddresses = 4 });
        Assert.Null(throttle.Failed("a", Start));
        Assert.Null(throttle.Failed("b", Start));
        Assert.Null(throttle.Failed("c", Start));
        var locked = throttle.Failed("home", Start);

        Assert.Equal((Start + TimeSpan.FromMinutes(15), true), locked);
        Assert.Equal(Start + TimeSpan.FromMinutes(15), throttle.LockedUntil("new", trusted: false, Start));
        Assert.Null(throttle.LockedUntil("home", trusted: true, Start));

        Assert.Null(throttle.Failed("home", Start));
        Assert.Equal((Start + TimeSpan.FromMinutes(15), false), throttle.Failed("home", Start)); // its own third
        Assert.Equal(Start + TimeSpan.FromMinutes(15), throttle.LockedUntil("home", trusted: true, Start));
    }

    [Fact]
    public void Addresses_quiet_for_a_lockout_duration_are_forgotten()
    {
        var throttle = new LoginThrottle(new AccountOptions());
        for (var i = 0; i < 20; i++)
        {
            throttle.Failed($"10.0.0.{i}", Start);
        }

        throttle.Failed("10.0.1.1", Start + TimeSpan.FromMinutes(15));

        Assert.Equal(1, throttle.Addresses);
    }
}
