using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tanks.Protocol.Auth;

namespace Tanks.Client.Auth;

/// <summary>Options for <see cref="AuthClient"/>.</summary>
public sealed class AuthClientOptions
{
    /// <summary>Speak TLS; the server name to check the certificate against (null: plain TCP).</summary>
    public string? TlsServerName { get; init; }

    /// <summary>Custom certificate check (e.g. a private CA); null uses the system's trust store.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>Local address to connect from (multi-homed hosts, load tools); null lets the OS choose.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>Longest wait for one answer.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Client of the TCP auth protocol (docs/protocol.md): one connection, one request in flight at a time,
/// responses matched by <c>id</c>.
/// </summary>
public sealed class AuthClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly AuthClientOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _header = new byte[AuthFrame.HeaderLength];
    private long _nextId;

    private AuthClient(TcpClient tcp, Stream stream, AuthClientOptions options)
    {
        _tcp = tcp;
        _stream = stream;
        _options = options;
    }

    public static async Task<AuthClient> ConnectAsync(string host, int port, AuthClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AuthClientOptions();
        var tcp = options.LocalAddress is { } local
            ? new TcpClient(new IPEndPoint(local, 0))
            : new TcpClient();
        try
        {
            tcp.NoDelay = true;
            await tcp.ConnectAsync(host, port, cancellationToken);
            Stream stream = tcp.GetStream();
            if (options.TlsServerName is { } serverName)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, options.CertificateValidation);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName }, cancellationToken);
                stream = ssl;
            }

            return new AuthClient(tcp, stream, options);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public Task<AuthResult> RegisterAsync(string username, string password, CancellationToken cancellationToken = default)
        => SendAsync(new JsonObject { ["op"] = AuthOps.Register, ["username"] = username, ["password"] = password }, cancellationToken);

    public Task<AuthResult> LoginAsync(string username, string password, CancellationToken cancellationToken = default)
        => SendAsync(new JsonObject { ["op"] = AuthOps.Login, ["username"] = username, ["password"] = password }, cancellationToken);

    public Task<AuthResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken = default)
        => SendAsync(new JsonObject { ["op"] = AuthOps.Refresh, ["refreshToken"] = refreshToken }, cancellationToken);

    public Task<AuthResult> LogoutAsync(string refreshToken, CancellationToken cancellationToken = default)
        => SendAsync(new JsonObject { ["op"] = AuthOps.Logout, ["refreshToken"] = refreshToken }, cancellationToken);

    public Task<AuthResult> PingAsync(CancellationToken cancellationToken = default)
        => SendAsync(new JsonObject { ["op"] = AuthOps.Ping }, cancellationToken);

    /// <summary>Sends any request object (an <c>id</c> is added) and returns the parsed answer.</summary>
    public async Task<AuthResult> SendAsync(JsonObject request, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            var id = ++_nextId;
            request["id"] = id;
            await _stream.WriteAsync(AuthFrame.Encode(JsonSerializer.SerializeToUtf8Bytes(request)), timeout.Token);
            var response = await ReadFrameAsync(timeout.Token);
            return Parse(response);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads one response frame (also used for frames the server sends unasked, such as a timeout notice).</summary>
    public async Task<JsonElement> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        await _stream.ReadExactlyAsync(_header, cancellationToken);
        var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(_header);
        if (length is 0 or > AuthFrame.MaxPayloadLength)
        {
            throw new InvalidDataException($"server sent a frame of {length} bytes");
        }

        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancellationToken);
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.Clone();
    }

    public static AuthResult Parse(JsonElement response)
    {
        if (response.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
        {
            AuthSession? session = null;
            if (response.TryGetProperty("accessToken", out var access))
            {
                session = new AuthSession(
                    response.GetProperty("userId").GetInt64(),
                    response.GetProperty("username").GetString()!,
                    access.GetString()!,
                    response.GetProperty("expiresIn").GetInt32(),
                    response.GetProperty("refreshToken").GetString()!,
                    response.TryGetProperty("connectToken", out var ct) ? ct.GetString() : null,
                    response.TryGetProperty("udp", out var udp) ? udp.GetString() : null);
            }

            return new AuthResult(true, null, null, session, response);
        }

        var error = response.TryGetProperty("error", out var e) ? e : default;
        return new AuthResult(
            false,
            error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var code) ? code.GetString() : "unknown",
            error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) ? message.GetString() : null,
            null,
            response);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
        _gate.Dispose();
    }
}
