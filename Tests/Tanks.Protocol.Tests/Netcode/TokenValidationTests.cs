using System.Buffers.Binary;
using Tanks.Protocol.Netcode;

namespace Tanks.Protocol.Tests.Netcode;

/// <summary>The token readers' rejections (the client's checks of STANDARD.md, the server's parse of the private part).</summary>
public sealed class TokenValidationTests
{
    private static byte[] PublicToken(string name = "token_ipv4") => Vectors.Named("connect_token_public", name).Hex("token_hex");

    private static TokenReadResult ReadPublic(byte[] token) => NetcodeConnectToken.TryRead(token, new NetcodeConnectToken());

    [Fact]
    public void Public_token_of_the_wrong_length_is_rejected()
    {
        Assert.Equal(TokenReadResult.BadLength, ReadPublic(PublicToken()[..2047]));
        Assert.Equal(TokenReadResult.BadLength, ReadPublic([.. PublicToken(), 0]));
    }

    [Fact]
    public void Public_token_of_another_version_is_rejected()
    {
        var token = PublicToken();
        token[11] = (byte)'1';
        Assert.Equal(TokenReadResult.BadVersion, ReadPublic(token));
    }

    [Fact]
    public void Public_token_created_after_it_expires_is_rejected()
    {
        var token = PublicToken();
        BinaryPrimitives.WriteUInt64LittleEndian(token.AsSpan(NetcodeConstants.TokenCreateTimestampOffset), 1_700_000_031);
        Assert.Equal(TokenReadResult.CreateAfterExpire, ReadPublic(token));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(33u)]
    public void Public_token_address_count_outside_1_to_32_is_rejected(uint count)
    {
        var token = PublicToken();
        BinaryPrimitives.WriteUInt32LittleEndian(token.AsSpan(NetcodeConstants.TokenTimeoutOffset + 4), count);
        Assert.Equal(TokenReadResult.BadAddressCount, ReadPublic(token));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Public_token_address_type_other_than_1_or_2_is_rejected(byte type)
    {
        var token = PublicToken("token_two_addresses_no_expiry");
        token[NetcodeConstants.TokenTimeoutOffset + 8 + NetcodeConstants.AddressIPv4Bytes] = type; // second address
        Assert.Equal(TokenReadResult.BadAddressType, ReadPublic(token));
    }

    [Theory]
    [InlineData(0u, TokenReadResult.BadAddressCount)]
    [InlineData(33u, TokenReadResult.BadAddressCount)]
    public void Private_token_address_count_outside_1_to_32_is_rejected(uint count, TokenReadResult expected)
    {
        var plaintext = Vectors.Named("connect_token_private", "token_ipv4").Hex("plaintext_hex");
        BinaryPrimitives.WriteUInt32LittleEndian(plaintext.AsSpan(12), count);
        var into = new NetcodeConnectTokenPrivate();
        Assert.Equal(expected, NetcodeConnectTokenPrivate.TryRead(plaintext, into));
        Assert.Equal(0, into.ServerAddressCount);
    }

    [Fact]
    public void Private_token_unknown_address_type_or_short_buffer_is_rejected()
    {
        var plaintext = Vectors.Named("connect_token_private", "token_ipv4").Hex("plaintext_hex");
        var into = new NetcodeConnectTokenPrivate();
        Assert.Equal(TokenReadResult.BadLength, NetcodeConnectTokenPrivate.TryRead(plaintext[..1007], into));
        plaintext[16] = 7;
        Assert.Equal(TokenReadResult.BadAddressType, NetcodeConnectTokenPrivate.TryRead(plaintext, into));
    }

    [Fact]
    public void Thirty_two_ipv6_addresses_fit_both_parts()
    {
        var addresses = Enumerable.Range(0, 32).Select(i => NetcodeAddress.Parse($"[2001:db8::{i + 1:x}]:{40000 + i}")).ToArray();
        var privateToken = new NetcodeConnectTokenPrivate { ClientId = 42, TimeoutSeconds = 5 };
        privateToken.SetServerAddresses(addresses);
        using var key = NetcodeKeys.ImportConnectTokenKey(new byte[32]);
        var token = NetcodeConnectToken.Generate(privateToken, addresses, 7, 100, 30, key);
        var bytes = new byte[NetcodeConstants.ConnectTokenBytes];
        token.Write(bytes);
        var read = new NetcodeConnectToken();
        Assert.Equal(TokenReadResult.Ok, NetcodeConnectToken.TryRead(bytes, read));
        Assert.Equal(addresses, read.ServerAddresses.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => privateToken.SetServerAddresses([.. addresses, addresses[0]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => privateToken.SetServerAddresses([]));
    }
}
