using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using NSec.Cryptography;
using Tanks.Protocol.Netcode;

namespace Tanks.Gateway.Tcp.Auth;

/// <summary>
/// Mints netcode 1.02 connect tokens (2048 bytes) for Gateway.Udp: client id = user id, the UDP gateway's public
/// address(es) both as the public list and as the private list the server checks itself against, fresh random
/// packet keys, expiry and timeout from <see cref="NetcodeOptions"/>, sealed with the shared private key.
/// </summary>
public sealed class ConnectTokenIssuer : IDisposable
{
    private readonly NetcodeOptions _options;
    private readonly NetcodeAddress[] _addresses;
    private readonly Key _privateKey;
    private readonly TimeProvider _time;

    public ConnectTokenIssuer(IOptions<NetcodeOptions> options, NetcodePrivateKey key, TimeProvider time)
    {
        _options = options.Value;
        _addresses = _options.ParsePublicAddresses();
        _privateKey = NetcodeKeys.ImportConnectTokenKey(key.Bytes);
        _time = time;
        Udp = _options.EffectivePublicAddresses[0];
    }

    /// <summary>The first public address, <c>host:port</c>, returned to clients as <c>udp</c>.</summary>
    public string Udp { get; }

    /// <summary>A fresh token for the account, base64 of the 2048 bytes; the user name rides in the sealed user data.</summary>
    public string Issue(long userId, string userName)
    {
        var privateToken = new NetcodeConnectTokenPrivate
        {
            ClientId = (ulong)userId,
            TimeoutSeconds = _options.TimeoutSeconds,
        };
        Tanks.Protocol.Auth.ConnectTokenUserData.Write(privateToken.UserData, userName);
        privateToken.SetServerAddresses(_addresses);
        RandomNumberGenerator.Fill(privateToken.ClientToServerKey);
        RandomNumberGenerator.Fill(privateToken.ServerToClientKey);
        var now = (ulong)_time.GetUtcNow().ToUnixTimeSeconds();
        var token = NetcodeConnectToken.Generate(privateToken, _addresses, _options.ProtocolId, now, _options.TokenExpirySeconds, _privateKey);
        var bytes = new byte[NetcodeConstants.ConnectTokenBytes];
        token.Write(bytes);
        return Convert.ToBase64String(bytes);
    }

    public void Dispose() => _privateKey.Dispose();
}

/// <summary>The shared netcode private key (32 bytes), read once at start.</summary>
public sealed record NetcodePrivateKey(byte[] Bytes);
