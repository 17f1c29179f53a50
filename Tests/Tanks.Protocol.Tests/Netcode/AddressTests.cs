using System.Net;
using System.Net.Sockets;
using Tanks.Protocol.Netcode;

namespace Tanks.Protocol.Tests.Netcode;

public sealed class AddressTests
{
    [Theory]
    [InlineData("127.0.0.1:40000")]
    [InlineData("[::1]:40000")]
    [InlineData("[2001:db8::ff00:42:8329]:50000")]
    public void Socket_address_of_the_same_end_point_matches(string text)
    {
        var address = NetcodeAddress.Parse(text);
        var socketAddress = IPEndPoint.Parse(text).Serialize();
        Assert.True(address.Matches(socketAddress));
        Assert.True(NetcodeAddress.TryFromSocketAddress(socketAddress, out var converted));
        Assert.Equal(address, converted);
        Assert.True(address.Matches(address.ToSocketAddress()));
    }

    [Fact]
    public void Different_port_or_host_does_not_match()
    {
        var address = NetcodeAddress.Parse("127.0.0.1:40000");
        Assert.False(address.Matches(IPEndPoint.Parse("127.0.0.1:40001").Serialize()));
        Assert.False(address.Matches(IPEndPoint.Parse("127.0.0.2:40000").Serialize()));
        Assert.False(address.Matches(IPEndPoint.Parse("[::1]:40000").Serialize()));
    }

    [Fact]
    public void Ipv4_mapped_ipv6_from_a_dual_mode_socket_compares_as_ipv4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("192.168.1.100").MapToIPv6(), 65535).Serialize();
        Assert.Equal(AddressFamily.InterNetworkV6, mapped.Family);
        Assert.True(NetcodeAddress.Parse("192.168.1.100:65535").Matches(mapped));
    }

    [Fact]
    public void Non_ip_socket_addresses_are_not_converted()
    {
        var unix = new SocketAddress(AddressFamily.Unix, 110);
        Assert.False(NetcodeAddress.TryFromSocketAddress(unix, out _));
        Assert.False(NetcodeAddress.Parse("127.0.0.1:1").Matches(unix));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    [InlineData("localhost:80")]
    [InlineData("")]
    public void Addresses_without_a_port_or_not_literal_do_not_parse(string text) => Assert.False(NetcodeAddress.TryParse(text, out _));

    [Fact]
    public void Equality_and_hashing_are_by_value()
    {
        var a = NetcodeAddress.IPv4(10, 0, 0, 1, 1);
        var b = NetcodeAddress.Parse("10.0.0.1:1");
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, NetcodeAddress.Parse("10.0.0.1:2"));
        Assert.Equal(NetcodeAddressType.IPv4, a.Type);
        Assert.Equal((ushort)1, a.Port);
    }
}
