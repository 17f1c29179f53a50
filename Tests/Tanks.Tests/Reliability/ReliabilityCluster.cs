using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Models;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Reliability;

/// <summary>The shape of a <see cref="ReliabilityCluster"/> and the settings its processes get.</summary>
public sealed record ReliabilityOptions
{
    public int Silos { get; init; } = 3;

    /// <summary>Silos started at once (the rest later with <see cref="ReliabilityCluster.StartSiloAsync"/>): a silo that joins after the battles formed hosts none.</summary>
    public int InitialSilos { get; init; } = 3;

    public int TcpGateways { get; init; } = 2;

    public int UdpGateways { get; init; } = 2;

    /// <summary>Netcode connection timeout (both gateways; it goes into the tokens): how long a client takes to notice a dead Gateway.Udp.</summary>
    public int NetcodeTimeoutSeconds { get; init; } = 3;

    /// <summary>Battles: 1v1 on the duel map, matched at once, short.</summary>
    public string TimeLimit { get; init; } = "00:00:25";

    /// <summary>More silo settings (or overrides), e.g. <c>Silo__DrainTimeout</c>.</summary>
    public IReadOnlyDictionary<string, string> SiloSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>More settings for every gateway.</summary>
    public IReadOnlyDictionary<string, string> GatewaySettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Bound of every start-up wait (silo ready, gateway ready) on a busy 2-core machine.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);
}

/// <summary>One silo slot: fixed ports that a restart reuses, and the process running in it now (null while down).</summary>
public sealed class SiloSlot(int index, int siloPort, int gatewayPort, int httpPort)
{
    public int Index { get; } = index;

    public int SiloPort { get; } = siloPort;

    public int GatewayPort { get; } = gatewayPort;

    public int HttpPort { get; } = httpPort;

    public NodeProcess? Process { get; internal set; }

    /// <summary>Every process that ran in this slot (the killed ones keep their output for the report).</summary>
    public List<NodeProcess> History { get; } = [];

    public bool Up => Process is { HasExited: false };
}

/// <summary>One gateway (TCP or UDP): its game port, its metrics/health port, the process.</summary>
public sealed class GatewaySlot(string name, int port, int metricsPort)
{
    public string Name { get; } = name;

    public int Port { get; } = port;

    public int MetricsPort { get; } = metricsPort;

    public NodeProcess? Process { get; internal set; }

    public List<NodeProcess> History { get; } = [];
}

/// <summary>
/// The failover harness (issue 10): a real redis-server with AOF, three silos on Redis clustering and storage (each with
/// its own silo, gateway and HTTP port; one cluster and service id; advertised on 127.0.0.1), two Gateway.Tcp and two
/// Gateway.Udp sharing the JWT and netcode keys — each Gateway.Tcp names both UDP instances in its tokens, its own first,
/// so a client that loses one can reach the other — and an Orleans client of the harness's own that reads accounts,
/// placement and membership. Operations: SIGKILL/SIGTERM a silo (exit code, time to exit), restart it on its ports,
/// SIGKILL and restart Redis on its port and data directory (AOF), SIGKILL a Gateway.Udp, scrape metrics. Loopback only;
/// every wait bounded; every process killed on dispose.
/// </summary>
public sealed class ReliabilityCluster : IAsyncDisposable
{
    public const string ServiceId = "tanks-reliability";
    public const string Password = "reliability password";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private readonly string _jwtKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly string _netcodeKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly List<SiloSlot> _silos = [];
    private readonly List<GatewaySlot> _tcp = [];
    private readonly List<GatewaySlot> _udp = [];
    private readonly string _redisDir = Path.Combine(Path.GetTempPath(), "tanks-reliability-redis-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<string> _events = [];
    private RedisServer? _redis;
    private IHost? _clientHost;
    private ThreadPoolLagWatch? _lagWatch;

    private ReliabilityCluster(ReliabilityOptions options)
    {
        Options = options;
        ClusterId = "rel-" + Guid.NewGuid().ToString("N")[..8];
        RedisPort = FreePort.Next();
        for (var i = 0; i < options.Silos; i++)
        {
            _silos.Add(new SiloSlot(i, FreePort.Next(), FreePort.Next(), FreePort.Next()));
        }

        for (var i = 0; i < options.UdpGateways; i++)
        {
            _udp.Add(new GatewaySlot($"udp{i}", TanksStack.FreeUdpPort(), FreePort.Next()));
        }

        for (var i = 0; i < options.TcpGateways; i++)
        {
            _tcp.Add(new GatewaySlot($"tcp{i}", FreePort.Next(), FreePort.Next()));
        }
    }

    public ReliabilityOptions Options { get; }

    public string ClusterId { get; }

    public int RedisPort { get; }

    public string RedisConnectionString => $"127.0.0.1:{RedisPort},abortConnect=false";

    /// <summary>The harness clock: every journal, kill and figure is on it.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public IReadOnlyList<SiloSlot> Silos => _silos;

    public IReadOnlyList<GatewaySlot> TcpGateways => _tcp;

    public IReadOnlyList<GatewaySlot> UdpGateways => _udp;

    /// <summary>Where a bot can log in: Gateway.Tcp i, whose tokens name Gateway.Udp (i mod count) first.</summary>
    public IReadOnlyList<BotEndpoint> Endpoints => [.. _tcp.Select((t, i) => new BotEndpoint(t.Port, _udp[i % _udp.Count].Port))];

    public IClusterClient Client => _clientHost!.Services.GetRequiredService<IClusterClient>();

    public bool RedisUp => _redis is not null;

    /// <summary>What the harness did, stamped on its clock (kills, restarts), for the test log.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public static async Task<ReliabilityCluster> StartAsync(ReliabilityOptions? options = null)
    {
        var cluster = new ReliabilityCluster(options ?? new ReliabilityOptions());
        try
        {
            await cluster.StartAllAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public void Note(string what)
    {
        lock (_events)
        {
            _events.Add($"{BotJournal.Sec(Clock.Elapsed)} {what}");
        }
    }

    // ---- silos ----

    /// <summary>Starts silo <paramref name="index"/> on its ports (first start or restart) and waits until it is ready.</summary>
    public async Task StartSiloAsync(int index)
    {
        var slot = _silos[index];
        if (slot.Up)
        {
            throw new InvalidOperationException($"silo{index} is running");
        }

        var env = Common();
        env["Cluster__SiloPort"] = slot.SiloPort.ToString(CultureInfo.InvariantCulture);
        env["Cluster__GatewayPort"] = slot.GatewayPort.ToString(CultureInfo.InvariantCulture);
        env["Cluster__AdvertisedAddress"] = "127.0.0.1";
        env["Urls"] = $"http://127.0.0.1:{slot.HttpPort}";
        env["Matchmaking__TeamSize"] = "1";
        env["Matchmaking__Map"] = "duel";
        env["Matchmaking__ReducedTeamsAfter"] = "00:00:00";
        env["Matchmaking__AnyTeamsAfter"] = "00:00:00";
        env["Matchmaking__Interval"] = "00:00:00.200";
        env["Sessions__TimeLimit"] = Options.TimeLimit;
        foreach (var (k, v) in Options.SiloSettings)
        {
            env[k] = v;
        }

        var process = NodeProcess.Start($"silo{index}", Repo.ProcessDll("Silo", "Tanks.Silo.dll"), slot.HttpPort, env);
        slot.Process = process;
        slot.History.Add(process);
        Note($"silo{index} starting (pid {process.Pid})");
        await process.WaitReadyAsync(Options.StartTimeout);
        Note($"silo{index} ready");
    }

    /// <summary>Stops silo <paramref name="index"/> with the signal; returns its exit code and time to exit (bounded by <paramref name="timeout"/>).</summary>
    public async Task<ExitInfo> StopSiloAsync(int index, StopSignal signal, TimeSpan? timeout = null)
    {
        var process = _silos[index].Process ?? throw new InvalidOperationException($"silo{index} is not running");
        Note($"silo{index} SIG{signal.ToString().ToUpperInvariant()}");
        var exit = await process.StopAsync(signal, timeout ?? TimeSpan.FromSeconds(60));
        _silos[index].Process = null;
        Note($"silo{index} exited with {exit.ExitCode} after {exit.TimeToExit.TotalSeconds:0.00} s");
        return exit;
    }

    /// <summary>The Orleans address of the live process in slot <paramref name="index"/> (with its generation), from membership.</summary>
    public async Task<SiloAddress?> SiloAddressAsync(int index)
    {
        var hosts = await Management().GetHosts(onlyActive: true).WaitAsync(CallTimeout);
        return hosts.Keys.Where(a => a.Endpoint.Port == _silos[index].SiloPort).MaxBy(a => a.Generation);
    }

    /// <summary>Waits until membership declares <paramref name="address"/> dead; returns when (harness clock). Bounded.</summary>
    public async Task<TimeSpan> WaitDeclaredDeadAsync(SiloAddress address, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            try
            {
                // A short bound per call: the detection figure must not carry a call stuck on the dead silo.
                var hosts = await Management().GetHosts(onlyActive: false).WaitAsync(TimeSpan.FromSeconds(1));
                if (!hosts.TryGetValue(address, out var status) || status == SiloStatus.Dead)
                {
                    var at = Clock.Elapsed;
                    Note($"membership: {address} dead");
                    return at;
                }
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or SiloUnavailableException or OperationCanceledException)
            {
                // The management grain may have lived on the dead silo: ask again.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"membership did not declare {address} dead within {timeout}");
    }

    /// <summary>Waits until membership lists exactly the running silos as active (bounded).</summary>
    public async Task WaitMembershipAsync(TimeSpan timeout)
    {
        var want = _silos.Where(s => s.Up).Select(s => s.SiloPort).Order().ToArray();
        var watch = Stopwatch.StartNew();
        int[] seen = [];
        while (watch.Elapsed < timeout)
        {
            try
            {
                var hosts = await Management().GetHosts(onlyActive: true).WaitAsync(CallTimeout);
                seen = [.. hosts.Keys.Select(a => a.Endpoint.Port).Order()];
                if (seen.SequenceEqual(want))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or SiloUnavailableException or OperationCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"membership lists silo ports [{string.Join(",", seen)}], want [{string.Join(",", want)}] after {timeout}");
    }

    // ---- metrics, placement ----

    /// <summary>A scrape of silo <paramref name="index"/>'s /metrics, or null when it is down or does not answer.</summary>
    public Task<MetricsText?> SiloMetricsAsync(int index)
        => _silos[index].Up ? MetricsText.ScrapeAsync(_silos[index].HttpPort, CallTimeout) : Task.FromResult<MetricsText?>(null);

    /// <summary><c>tanks_battles_running</c> of each silo (null: down or not exported).</summary>
    public async Task<double?[]> BattlesRunningAsync()
    {
        var scrapes = await Task.WhenAll(_silos.Select(s => SiloMetricsAsync(s.Index)));
        return [.. scrapes.Select(m => m?[SiloMetricNames.BattlesRunning])];
    }

    /// <summary>The silo whose <c>tanks_registry_active</c> is 1, or null.</summary>
    public async Task<int?> RegistrySiloByMetricsAsync()
    {
        var scrapes = await Task.WhenAll(_silos.Select(s => SiloMetricsAsync(s.Index)));
        var hosting = scrapes.Select((m, i) => (m, i)).Where(x => x.m?[SiloMetricNames.RegistryActive] >= 1).Select(x => x.i).ToArray();
        return hosting.Length == 1 ? hosting[0] : null;
    }

    /// <summary>Sum of a metric over the running silos.</summary>
    public async Task<double> SumOverSilosAsync(string metric)
    {
        var scrapes = await Task.WhenAll(_silos.Select(s => SiloMetricsAsync(s.Index)));
        return scrapes.Sum(m => m?.Value(metric) ?? 0);
    }

    /// <summary>
    /// Where each battle (SessionGrain activation, by battle id) and the matchmaker (queue shard 0, the only shard the
    /// harness runs: it queues, matches and owns the battles) live now, by silo slot; from the management grain.
    /// </summary>
    public async Task<Placement> PlacementAsync()
    {
        var stats = await Management().GetDetailedGrainStatistics().WaitAsync(CallTimeout);
        var battles = new Dictionary<Guid, int>();
        int? registry = null;
        foreach (var s in stats)
        {
            var slot = _silos.FindIndex(x => x.SiloPort == s.SiloAddress.Endpoint.Port);
            if (s.GrainType.Contains("MatchQueueGrain", StringComparison.Ordinal))
            {
                registry = slot;
            }
            else if (s.GrainType.Contains("SessionGrain", StringComparison.Ordinal) && s.GrainId.TryGetGuidKey(out var id, out _))
            {
                battles[id] = slot;
            }
        }

        return new Placement(battles, registry);
    }

    /// <summary>Activations per silo slot of the grain classes whose type name contains <paramref name="grainType"/> (e.g. "UserGrain").</summary>
    public async Task<int[]> ActivationsPerSiloAsync(string grainType)
    {
        var stats = await Management().GetDetailedGrainStatistics().WaitAsync(CallTimeout);
        var counts = new int[_silos.Count];
        foreach (var s in stats.Where(s => s.GrainType.Contains(grainType, StringComparison.Ordinal)))
        {
            var slot = _silos.FindIndex(x => x.SiloPort == s.SiloAddress.Endpoint.Port);
            if (slot >= 0)
            {
                counts[slot]++;
            }
        }

        return counts;
    }

    // ---- Redis ----

    /// <summary>SIGKILLs redis-server; its data directory (AOF) stays for <see cref="RestartRedisAsync"/>.</summary>
    public async Task KillRedisAsync()
    {
        if (_redis is not null)
        {
            Note("redis SIGKILL");
            await _redis.DisposeAsync(); // SIGKILL; the directory is ours, so it stays
            _redis = null;
        }
    }

    /// <summary>Starts redis-server again on the same port and data directory (it loads the AOF).</summary>
    public async Task RestartRedisAsync()
    {
        if (_redis is null)
        {
            _redis = await RedisServer.StartAsync(_redisDir, RedisPort);
            Note("redis restarted from its AOF");
        }
    }

    // ---- gateways ----

    public async Task<ExitInfo> KillUdpGatewayAsync(int index)
    {
        var slot = _udp[index];
        var process = slot.Process ?? throw new InvalidOperationException($"{slot.Name} is not running");
        Note($"{slot.Name} SIGKILL");
        var exit = await process.StopAsync(StopSignal.Kill, TimeSpan.FromSeconds(10));
        slot.Process = null;
        return exit;
    }

    public async Task StartUdpGatewayAsync(int index)
    {
        var slot = _udp[index];
        var env = Common();
        env["Netcode__PrivateKey"] = _netcodeKey;
        env["Netcode__PublicAddresses__0"] = $"127.0.0.1:{slot.Port}";
        env["Netcode__TimeoutSeconds"] = Options.NetcodeTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        env["UdpGateway__Port"] = slot.Port.ToString(CultureInfo.InvariantCulture);
        env["UdpGateway__MetricsPort"] = slot.MetricsPort.ToString(CultureInfo.InvariantCulture);
        env["UdpGateway__ListenAddress"] = "127.0.0.1";
        env["UdpGateway__ServerAddress"] = $"127.0.0.1:{slot.Port}";
        await StartGatewayAsync(slot, "Gateway.Udp", "Tanks.Gateway.Udp.dll", env);
    }

    public async Task StartTcpGatewayAsync(int index)
    {
        var slot = _tcp[index];
        var env = Common();
        env["TcpGateway__Port"] = slot.Port.ToString(CultureInfo.InvariantCulture);
        env["TcpGateway__MetricsPort"] = slot.MetricsPort.ToString(CultureInfo.InvariantCulture);
        env["TcpGateway__ListenAddress"] = "127.0.0.1";
        env["TcpGateway__AuthBurstPerAddress"] = "100000";
        env["TcpGateway__AuthRequestsPerMinutePerAddress"] = "1000000";
        env["Jwt__SigningKey"] = _jwtKey;
        env["Netcode__PrivateKey"] = _netcodeKey;
        env["Netcode__TimeoutSeconds"] = Options.NetcodeTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        for (var k = 0; k < _udp.Count; k++)
        {
            // Its own UDP instance first, the others after: the netcode client tries them in order.
            env[$"Netcode__PublicAddresses__{k}"] = $"127.0.0.1:{_udp[(index + k) % _udp.Count].Port}";
        }

        await StartGatewayAsync(slot, "Gateway.Tcp", "Tanks.Gateway.Tcp.dll", env);
        await WaitListeningAsync(slot.Port, Options.StartTimeout);
    }

    // ---- accounts ----

    /// <summary>
    /// Logs every account in through the Gateway.Tcp instances in turn; an answer that says the cluster is busy
    /// (<c>unavailable</c>, <c>rate_limited</c>, a timeout) is retried until <paramref name="timeout"/>. Returns the
    /// accounts that still fail, with the last error (<c>invalid_credentials</c>: the account is gone).
    /// </summary>
    public async Task<IReadOnlyList<string>> FailedLoginsAsync(IEnumerable<string> names, TimeSpan timeout)
    {
        var failed = new List<string>();
        var watch = Stopwatch.StartNew();
        var i = 0;
        foreach (var name in names)
        {
            string? error;
            do
            {
                error = await LoginAsync(name, _tcp[i++ % _tcp.Count].Port);
                if (error is null or "invalid_credentials" or "locked_out")
                {
                    break;
                }

                await Task.Delay(200);
            }
            while (watch.Elapsed < timeout);

            if (error is not null)
            {
                failed.Add($"{name}: {error}");
            }
        }

        return failed;
    }

    /// <summary>One login; null when it succeeded, else the error code or the exception's type.</summary>
    public static async Task<string?> LoginAsync(string name, int tcpPort)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await using var auth = await Tanks.Client.Auth.AuthClient.ConnectAsync("127.0.0.1", tcpPort, cancellationToken: cts.Token);
            var result = await auth.LoginAsync(name, Password, cts.Token);
            return result.Ok ? null : result.ErrorCode ?? "unknown";
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return ex.GetType().Name;
        }
    }

    /// <summary>The lifetime stats of an account, read through the harness's Orleans client (null: no such account).</summary>
    public async Task<UserStats?> StatsAsync(string name)
    {
        var profile = await Client.GetGrain<IUserGrain>(UserNames.Normalize(name)!).GetProfileAsync().WaitAsync(CallTimeout);
        return profile is null ? null : profile.Stats ?? UserStats.Empty;
    }

    /// <summary>The stats as stored: the account's grain is deactivated first, so they come from Redis, not from memory.</summary>
    public async Task<UserStats?> StoredStatsAsync(string name)
    {
        var grain = Client.GetGrain<IUserGrain>(UserNames.Normalize(name)!);
        await Management().DeactivateGrain(grain.GetGrainId()).WaitAsync(CallTimeout);
        return await StatsAsync(name);
    }

    public Task<RegistryStats> RegistryStatsAsync()
        => Client.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey).GetStatsAsync().WaitAsync(CallTimeout);

    // ---- reports ----

    /// <summary>Warnings and errors of every process (killed ones included), at most <paramref name="max"/> lines, for failure messages.</summary>
    public string LogExcerpt(int max = 60, params string[] needles)
    {
        string[] patterns = needles.Length > 0 ? needles : ["warn:", "fail:", "crit:", "error", "exception"];
        // The game's own lines first (Orleans' connection retries repeat a lot); one line per distinct message start.
        var lines = AllProcesses().SelectMany(p => p.Grep(2000, patterns))
            .Where(l => !l.Contains("Polly[", StringComparison.Ordinal))
            .DistinctBy(l => MessageKey(l))
            .OrderBy(l => l.Contains(" Tanks.", StringComparison.Ordinal) ? 0 : 1)
            .Take(max);
        return string.Join('\n', lines);
    }

    // "[silo1] +14.303 01:09:38 warn: Category[id] message…": the process and the message's start, without the times.
    private static string MessageKey(string line)
    {
        var parts = line.Split(' ', 4);
        var rest = parts.Length == 4 ? parts[3] : line;
        var key = parts[0] + " " + (rest.Length > 100 ? rest[..100] : rest);
        return System.Text.RegularExpressions.Regex.Replace(key, "[0-9]+", "#");
    }

    public IEnumerable<NodeProcess> AllProcesses()
        => _silos.SelectMany(s => s.History).Concat(_tcp.SelectMany(g => g.History)).Concat(_udp.SelectMany(g => g.History));

    public async ValueTask DisposeAsync()
    {
        _lagWatch?.Dispose();
        if (_clientHost is not null)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _clientHost.StopAsync(cts.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or OrleansException)
            {
            }

            _clientHost.Dispose();
        }

        await Task.WhenAll(AllProcesses().Select(p => p.DisposeAsync().AsTask()));
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        try
        {
            Directory.Delete(_redisDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task StartAllAsync()
    {
        Directory.CreateDirectory(_redisDir);
        _lagWatch = new ThreadPoolLagWatch(Note);
        _redis = await RedisServer.StartAsync(_redisDir, RedisPort);
        Note("redis started");

        // The first silo alone (it creates the membership table), then the others together: start-up is the heavy part here.
        await StartSiloAsync(0);
        await Task.WhenAll(Enumerable.Range(1, Options.InitialSilos - 1).Select(StartSiloAsync));
        await StartClientAsync();
        await WaitMembershipAsync(Options.StartTimeout);
        await Task.WhenAll(Enumerable.Range(0, _udp.Count).Select(StartUdpGatewayAsync)
            .Concat(Enumerable.Range(0, _tcp.Count).Select(StartTcpGatewayAsync)));
    }

    private async Task StartClientAsync()
    {
        _clientHost = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.UseRedisClustering(RedisConnectionString);
                client.Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterId;
                    o.ServiceId = ServiceId;
                });
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = CallTimeout);
                client.UseConnectionRetryFilter(async (_, cancellationToken) =>
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                    return !cancellationToken.IsCancellationRequested;
                });
            })
            .Build();
        using var cts = new CancellationTokenSource(Options.StartTimeout);
        await _clientHost.StartAsync(cts.Token);
    }

    private async Task StartGatewayAsync(GatewaySlot slot, string project, string assembly, Dictionary<string, string> env)
    {
        foreach (var (k, v) in Options.GatewaySettings)
        {
            env[k] = v;
        }

        var process = NodeProcess.Start(slot.Name, Repo.ProcessDll(project, assembly), slot.MetricsPort, env);
        slot.Process = process;
        slot.History.Add(process);
        await process.WaitReadyAsync(Options.StartTimeout);
        Note($"{slot.Name} ready");
    }

    private Dictionary<string, string> Common()
    {
        var env = new Dictionary<string, string>
        {
            ["Cluster__ClusterId"] = ClusterId,
            ["Cluster__ServiceId"] = ServiceId,
            ["Redis__ConnectionString"] = RedisConnectionString,
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Warning",
            ["Logging__LogLevel__Microsoft"] = "Warning",
            ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
        };
        return env;
    }

    private IManagementGrain Management() => Client.GetGrain<IManagementGrain>(0);

    private static async Task WaitListeningAsync(int port, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
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

/// <summary>Battle id → silo slot of its activation, and the matchmaker's (queue shard 0) slot (null: not active anywhere).</summary>
public sealed record Placement(IReadOnlyDictionary<Guid, int> Battles, int? Registry)
{
    public int[] BattlesPerSilo(int silos)
    {
        var counts = new int[silos];
        foreach (var slot in Battles.Values.Where(s => s >= 0))
        {
            counts[slot]++;
        }

        return counts;
    }
}
