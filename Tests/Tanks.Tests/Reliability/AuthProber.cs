using System.Diagnostics;
using Tanks.Client.Auth;

namespace Tanks.Tests.Reliability;

/// <summary>One probe: when it started (harness clock), how long it took, and the error code (null: ok).</summary>
public sealed record Probe(TimeSpan StartedAt, TimeSpan Took, string Name, string? Error);

/// <summary>
/// Logs in (or registers) accounts one after another through the Gateway.Tcp instances in turn while a fault happens,
/// recording each answer, until stopped or <see cref="MaxProbes"/> are done. Registrations acknowledged (ok) are the
/// accounts that must survive.
/// </summary>
public sealed class AuthProber : IAsyncDisposable
{
    public const int MaxProbes = 2000;

    private readonly ReliabilityCluster _cluster;
    private readonly Func<int, (string Name, bool Register)> _next;
    private readonly TimeSpan _period;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Probe> _probes = [];
    private readonly Task _loop;

    private AuthProber(ReliabilityCluster cluster, Func<int, (string, bool)> next, TimeSpan period)
    {
        _cluster = cluster;
        _next = next;
        _period = period;
        _loop = Task.Run(LoopAsync);
    }

    public IReadOnlyList<Probe> Probes
    {
        get
        {
            lock (_probes)
            {
                return [.. _probes];
            }
        }
    }

    /// <summary>Logs in the given accounts round robin.</summary>
    public static AuthProber Logins(ReliabilityCluster cluster, IReadOnlyList<string> names, TimeSpan period)
        => new(cluster, i => (names[i % names.Count], false), period);

    /// <summary>Registers new accounts <c>prefix_0</c>, <c>prefix_1</c>, ….</summary>
    public static AuthProber Registrations(ReliabilityCluster cluster, string prefix, TimeSpan period)
        => new(cluster, i => ($"{prefix}_{i}", true), period);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        for (var i = 0; i < MaxProbes && !_stop.IsCancellationRequested; i++)
        {
            var (name, register) = _next(i);
            var port = _cluster.TcpGateways[i % _cluster.TcpGateways.Count].Port;
            var started = _cluster.Clock.Elapsed;
            var watch = Stopwatch.StartNew();
            string? error;
            try
            {
                // Longer than the gateway's own request timeout (5 s): its "unavailable" answer is what we want to see.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await using var auth = await AuthClient.ConnectAsync("127.0.0.1", port,
                    new AuthClientOptions { RequestTimeout = TimeSpan.FromSeconds(15) }, timeout.Token);
                var result = register
                    ? await auth.RegisterAsync(name, ReliabilityCluster.Password, timeout.Token)
                    : await auth.LoginAsync(name, ReliabilityCluster.Password, timeout.Token);
                error = result.Ok ? null : result.ErrorCode ?? "unknown";
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                error = ex.GetType().Name;
            }

            lock (_probes)
            {
                _probes.Add(new Probe(started, watch.Elapsed, name, error));
            }

            try
            {
                await Task.Delay(_period, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
