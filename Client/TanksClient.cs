using System.Net;
using Tanks.Client.Auth;
using Tanks.Client.Battle;
using Tanks.Client.Netcode;
using Tanks.Protocol.Netcode;

namespace Tanks.Client;

/// <summary>Options of <see cref="TanksClient.LoginAndConnectAsync"/>.</summary>
public sealed class TanksClientOptions
{
    /// <summary>Register the account first (a new player); otherwise log in.</summary>
    public bool Register { get; init; }

    public AuthClientOptions? Auth { get; init; }

    public NetcodeUdpClientOptions? Udp { get; init; }

    /// <summary>Longest wait for the UDP handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>The game client's session: logged in over TCP (auth protocol), connected over UDP (netcode 1.02).</summary>
public sealed class TanksClient : IDisposable
{
    private readonly string _tcpHost;
    private readonly int _tcpPort;
    private readonly TanksClientOptions _options;
    private readonly object _gameLock = new();
    private BattleClient? _game;

    private TanksClient(string tcpHost, int tcpPort, TanksClientOptions options, AuthSession session, NetcodeUdpClient udp)
    {
        _tcpHost = tcpHost;
        _tcpPort = tcpPort;
        _options = options;
        Session = session;
        Udp = udp;
    }

    /// <summary>The latest auth session (user id, tokens).</summary>
    public AuthSession Session { get; private set; }

    public NetcodeUdpClient Udp { get; }

    /// <summary>The game over <see cref="Udp"/> (queue, battle start, inputs, snapshots, events, end); created on first use.</summary>
    public BattleClient Game
    {
        get
        {
            lock (_gameLock)
            {
                return _game ??= new BattleClient(Udp);
            }
        }
    }

    /// <summary>
    /// Logs in (or registers) over TCP, takes the connect token from the answer and connects over UDP.
    /// Throws <see cref="InvalidOperationException"/> with the error code or the final netcode state on failure.
    /// </summary>
    public static async Task<TanksClient> LoginAndConnectAsync(
        string tcpHost, int tcpPort, string username, string password, TanksClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TanksClientOptions();
        AuthSession session;
        await using (var auth = await AuthClient.ConnectAsync(tcpHost, tcpPort, options.Auth, cancellationToken))
        {
            var result = options.Register
                ? await auth.RegisterAsync(username, password, cancellationToken)
                : await auth.LoginAsync(username, password, cancellationToken);
            session = result.RequireSession();
        }

        var udp = NetcodeUdpClient.Create(options.Udp);
        var client = new TanksClient(tcpHost, tcpPort, options, session, udp);
        try
        {
            await client.ConnectUdpAsync(cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Refreshes the session over TCP (a fresh connect token) and connects over UDP again.</summary>
    public async Task ReconnectAsync(CancellationToken cancellationToken = default)
    {
        Udp.Disconnect();
        await using (var auth = await AuthClient.ConnectAsync(_tcpHost, _tcpPort, _options.Auth, cancellationToken))
        {
            Session = (await auth.RefreshAsync(Session.RefreshToken, cancellationToken)).RequireSession();
        }

        await ConnectUdpAsync(cancellationToken);
    }

    public void Dispose()
    {
        _game?.Dispose();
        Udp.Dispose();
    }

    private async Task ConnectUdpAsync(CancellationToken cancellationToken)
    {
        var token = Convert.FromBase64String(Session.ConnectToken
            ?? throw new InvalidOperationException("the server returned no connectToken (is Netcode configured on Gateway.Tcp?)"));
        var state = await Udp.ConnectAsync(token, _options.ConnectTimeout, cancellationToken);
        if (state != NetcodeClientState.Connected)
        {
            throw new InvalidOperationException($"UDP connect to {Session.Udp} failed: {state}");
        }
    }
}
