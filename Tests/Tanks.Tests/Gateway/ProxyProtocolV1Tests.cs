using System.Buffers;
using System.Net;
using System.Text;
using Tanks.Gateway.Tcp.Connections;

namespace Tanks.Tests.Gateway;

public sealed class ProxyProtocolV1Tests
{
    private static ProxyHeaderStatus Parse(string text, out int length, out IPEndPoint? source)
        => ProxyProtocolV1.TryParse(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)), out length, out source);

    [Fact]
    public void Tcp4_and_tcp6_headers_give_the_client_endpoint()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, Parse("PROXY TCP4 203.0.113.7 10.0.0.5 51234 8888\r\n{json", out var length, out var v4));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 51234), v4);
        Assert.Equal("PROXY TCP4 203.0.113.7 10.0.0.5 51234 8888\r\n".Length, length);

        Assert.Equal(ProxyHeaderStatus.Complete, Parse("PROXY TCP6 2001:db8::1 2001:db8::2 4000 8888\r\n", out _, out var v6));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 4000), v6);
    }

    [Fact]
    public void Unknown_keeps_the_socket_address()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, Parse("PROXY UNKNOWN\r\n", out var length, out var source));
        Assert.Null(source);
        Assert.Equal(15, length);
    }

    [Theory]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.5 512")]
    [InlineData("PRO")]
    [InlineData("")]
    public void Partial_headers_ask_for_more(string text)
    {
        Assert.Equal(ProxyHeaderStatus.Incomplete, Parse(text, out _, out _));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("\u0000\u0000\u0000\u000f{\"op\":\"ping\"}")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.5 51234\r\n")]
    [InlineData("PROXY TCP4 2001:db8::1 10.0.0.5 51234 8888\r\n")]
    [InlineData("PROXY TCP6 203.0.113.7 10.0.0.5 51234 8888\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.5 99999 8888\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.5 0123 8888\r\n")]
    [InlineData("PROXY UDP4 203.0.113.7 10.0.0.5 1 2\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7\t10.0.0.5 1 2\r\n")]
    public void Malformed_headers_are_invalid(string text)
    {
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse(text, out _, out _));
    }

    [Fact]
    public void A_header_without_an_end_within_107_bytes_is_invalid()
    {
        Assert.Equal(ProxyHeaderStatus.Invalid, Parse("PROXY TCP4 " + new string('1', 120), out _, out _));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1234);
        var buffer = new byte[120];
        for (var i = 0; i < 20000; i++)
        {
            random.NextBytes(buffer);
            var length = random.Next(buffer.Length);
            if (i % 2 == 0)
            {
                "PROXY "u8.CopyTo(buffer);
            }

            var status = ProxyProtocolV1.TryParse(new ReadOnlySequence<byte>(buffer, 0, length), out var headerLength, out _);
            Assert.True(status != ProxyHeaderStatus.Complete || headerLength <= ProxyProtocolV1.MaxHeaderLength);
        }
    }
}
