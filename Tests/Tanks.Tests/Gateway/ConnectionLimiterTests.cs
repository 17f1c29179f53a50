using System.Net;
using Tanks.Gateway.Tcp.Connections;

namespace Tanks.Tests.Gateway;

public sealed class ConnectionLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("198.51.100.1");
    private static readonly IPAddress B = IPAddress.Parse("198.51.100.2");

    [Fact]
    public void Caps_each_address_and_the_total_and_forgets_addresses_that_left()
    {
        var limiter = new ConnectionLimiter(maxPerAddress: 2, maxTotal: 3);

        Assert.True(limiter.TryAcquire(A));
        Assert.True(limiter.TryAcquire(A));
        Assert.False(limiter.TryAcquire(A));
        Assert.True(limiter.TryAcquire(B));
        Assert.False(limiter.TryAcquire(B)); // total cap
        Assert.Equal(3, limiter.Total);

        limiter.Release(A);
        limiter.Release(A);
        limiter.Release(B);
        Assert.Equal(0, limiter.Total);
        Assert.Equal(0, limiter.TrackedAddresses);
    }

    [Fact]
    public async Task Concurrent_acquire_and_release_balance_out()
    {
        var limiter = new ConnectionLimiter(maxPerAddress: 1000, maxTotal: 100000);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10000; i++)
            {
                if (limiter.TryAcquire(A))
                {
                    limiter.Release(A);
                }
            }
        })));

        Assert.Equal(0, limiter.Total);
        Assert.Equal(0, limiter.TrackedAddresses);
    }
}
