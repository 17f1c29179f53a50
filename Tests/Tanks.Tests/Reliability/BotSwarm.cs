using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tanks.Tests.Reliability;

/// <summary>
/// A handful of <see cref="PlayerBot"/>s on a <see cref="ReliabilityCluster"/>, spread over its gateways (bot i logs in
/// through Gateway.Tcp i mod n, so half play through each Gateway.Udp). Registered a few at a time; stopped on dispose.
/// </summary>
public sealed class BotSwarm : IAsyncDisposable
{
    private readonly ReliabilityCluster _cluster;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PlayerBot> _bots = [];

    private BotSwarm(ReliabilityCluster cluster) => _cluster = cluster;

    public IReadOnlyList<PlayerBot> Bots => _bots;

    public static string NewPrefix() => "r" + Guid.NewGuid().ToString("N")[..7];

    /// <summary>Registers <paramref name="count"/> new accounts, connects them and starts them playing.</summary>
    public static async Task<BotSwarm> StartAsync(ReliabilityCluster cluster, int count, BotBehaviour? behaviour = null, string? prefix = null)
    {
        var swarm = new BotSwarm(cluster);
        prefix ??= NewPrefix();
        try
        {
            for (var i = 0; i < count; i++)
            {
                swarm._bots.Add(new PlayerBot($"{prefix}_{i}", ReliabilityCluster.Password, cluster.Endpoints, i, behaviour ?? new BotBehaviour(), cluster.Clock));
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var gate = new SemaphoreSlim(4);
            await Task.WhenAll(swarm._bots.Select(async bot =>
            {
                await gate.WaitAsync(timeout.Token);
                try
                {
                    await bot.ConnectAsync(register: true, timeout.Token);
                }
                finally
                {
                    gate.Release();
                }
            }));
            foreach (var bot in swarm._bots)
            {
                bot.Start(swarm._stop.Token);
            }

            return swarm;
        }
        catch
        {
            await swarm.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits (bounded) until every bot is in a battle and has its first snapshots; returns the battles with their players.</summary>
    public async Task<IReadOnlyDictionary<Guid, PlayerBot[]>> WaitAllInBattleAsync(TimeSpan timeout, int snapshots = 10)
    {
        await WaitUntilAsync(() => _bots.All(b => b.Journal.Current is { } s && s.Snapshots >= snapshots), timeout,
            () => "bots not in a ticking battle: " + string.Join(", ", _bots.Where(b => b.Journal.Current is not { Snapshots: >= 10 }).Select(b => b.Name)));
        return Battles();
    }

    /// <summary>The running battles now, by id, with their bots.</summary>
    public IReadOnlyDictionary<Guid, PlayerBot[]> Battles()
        => _bots.Where(b => b.BattleId is not null).GroupBy(b => b.BattleId!.Value).ToDictionary(g => g.Key, g => g.ToArray());

    /// <summary>Polls <paramref name="done"/> every 50 ms until true; a <see cref="TimeoutException"/> with <paramref name="why"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, Func<string> why)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"after {timeout.TotalSeconds:0} s: {why()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Like <see cref="WaitUntilAsync(Func{bool}, TimeSpan, Func{string})"/> for a check that calls the cluster; polls every 250 ms.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan timeout, Func<string> why)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"after {timeout.TotalSeconds:0} s: {why()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Stops every bot (bounded) and leaves their journals for the assertions.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        foreach (var bot in _bots)
        {
            try
            {
                await bot.StoppedAsync();
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>Every bot's journal, for the test log and failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var bot in _bots)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{bot.Name} (user {bot.UserId}, udp {bot.UdpPort}):").Append(bot.Journal.Describe());
        }

        return text.ToString();
    }

    /// <summary>Errors of all bots by kind.</summary>
    public IReadOnlyDictionary<string, int> ErrorsByKind()
        => _bots.SelectMany(b => b.Journal.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var bot in _bots)
        {
            await bot.DisposeAsync();
        }

        _stop.Dispose();
    }
}
