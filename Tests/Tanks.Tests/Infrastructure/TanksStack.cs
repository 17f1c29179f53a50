namespace Tanks.Tests.Infrastructure;

/// <summary>
/// A silo and gateways as real processes on free loopback ports, with their own cluster id; optionally on Redis.
/// Gateways can be added with their own settings (timeouts, limits, TLS, PROXY protocol).
/// </summary>
public sealed partial class TanksStack : IAsyncDisposable
{
    public const string DashboardUser = "ops";
    public const string DashboardPassword = "dashboard-test-password";

    private readonly List<TanksProcess> _gateways = [];
    private readonly string _jwtKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private readonly IReadOnlyDictionary<string, string> _redisSettings;

    private TanksStack(string? redis, IReadOnlyDictionary<string, string>? redisSettings)
    {
        Redis = redis;
        _redisSettings = redisSettings ?? new Dictionary<string, string>();
        ClusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        SiloPort = FreePort.Next();
        OrleansGatewayPort = FreePort.Next();
        SiloHttpPort = FreePort.Next();
    }

    public string? Redis { get; }

    public string ClusterId { get; }

    public int SiloPort { get; }

    public int OrleansGatewayPort { get; }

    public int SiloHttpPort { get; }

    public TanksProcess Silo { get; private set; } = null!;

    public IReadOnlyList<TanksProcess> Gateways => _gateways;

    /// <summary>Everything every process printed so far.</summary>
    public string AllOutput => string.Join("\n", _gateways.Select(g => g.Output).Prepend(Silo?.Output ?? ""));

    /// <summary>Starts the silo; <paramref name="redisSettings"/> (e.g. <see cref="RedisServer.Credentials"/>) go to every process of the stack.</summary>
    public static async Task<TanksStack> StartAsync(string? redis = null, IReadOnlyDictionary<string, string>? siloSettings = null,
        IReadOnlyDictionary<string, string>? redisSettings = null)
    {
        var stack = new TanksStack(redis, redisSettings);
        await stack.StartSiloAsync(siloSettings);
        return stack;
    }

    public async Task StartSiloAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var env = Common();
        env["Cluster__SiloPort"] = SiloPort.ToString();
        env["Urls"] = $"http://127.0.0.1:{SiloHttpPort}";
        env["Dashboard__Username"] = DashboardUser;
        env["Dashboard__Password"] = DashboardPassword;
        if (Redis is not null)
        {
            env["Cluster__AdvertisedAddress"] = "127.0.0.1";
        }

        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            env[k] = v;
        }

        Silo = TanksProcess.Start("silo", Repo.ProcessDll("Silo", "Tanks.Silo.dll"), SiloHttpPort, env);
        await Silo.WaitReadyAsync();
    }

    /// <summary>Starts a Gateway.Tcp; returns it with its auth port in <see cref="GatewayHandle.Port"/>.</summary>
    public async Task<GatewayHandle> StartTcpGatewayAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort.Next();
        var metricsPort = FreePort.Next();
        var env = Common();
        env["Cluster__GatewayHost"] = "127.0.0.1";
        env["TcpGateway__Port"] = port.ToString();
        env["TcpGateway__MetricsPort"] = metricsPort.ToString();
        env["TcpGateway__ListenAddress"] = "127.0.0.1";
        env["Jwt__SigningKey"] = _jwtKey;
        foreach (var (k, v) in settings ?? new Dictionary<string, string>())
        {
            env[k] = v;
        }

        var process = TanksProcess.Start("gateway-tcp", Repo.ProcessDll("Gateway.Tcp", "Tanks.Gateway.Tcp.dll"), metricsPort, env);
        _gateways.Add(process);
        await process.WaitReadyAsync();
        await WaitListeningAsync(port);
        return new GatewayHandle(process, port, metricsPort, _jwtKey);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }
    }

    private Dictionary<string, string> Common()
    {
        var env = new Dictionary<string, string>
        {
            ["Cluster__ClusterId"] = ClusterId,
            ["Cluster__ServiceId"] = "tanks-tests",
            ["Cluster__GatewayPort"] = OrleansGatewayPort.ToString(),
            ["Logging__LogLevel__Default"] = "Information",
        };
        if (Redis is not null)
        {
            env["Redis__ConnectionString"] = Redis;
            foreach (var (k, v) in _redisSettings)
            {
                env[k] = v;
            }
        }

        return env;
    }

    private static async Task WaitListeningAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"nothing listens on {port}");
    }
}

public sealed record GatewayHandle(TanksProcess Process, int Port, int MetricsPort, string JwtKey);
