using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Tanks.Grains;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Models;

namespace Tanks.Tests.Matchmaking;

/// <summary>
/// A one-silo test cluster for the platoon tests: memory storage, one fake grain clock, two queue shards, 2v2 battles of
/// three seconds, a quick matchmaking pass, the cheapest Argon2 the options allow. One observer object hears every
/// notice the player grains pass on (as a gateway would).
/// </summary>
public sealed class PlatoonCluster : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public NoticeLog Notices { get; } = new();

    public IPlayerObserver Observer { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Accounts);
            silo.AddMemoryGrainStorage(StorageNames.Battles);
            silo.Services.AddSingleton(new GrainClock(Time));
            silo.AddTanksGrains();
            silo.Services.Configure<Tanks.Grains.Accounts.AccountOptions>(o =>
            {
                o.Argon2MemoryKiB = 8 * 1024;
                o.Argon2Iterations = 1;
            });
            silo.Services.Configure<Tanks.Grains.Sessions.SessionOptions>(o => o.TimeLimit = TimeSpan.FromSeconds(3));
            silo.Services.Configure<Tanks.Grains.Sessions.MatchmakingOptions>(o =>
            {
                o.Interval = TimeSpan.FromMilliseconds(100);
                o.TeamSize = 2;
                o.Shards = 2;
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Observer = Client.CreateObjectReference<IPlayerObserver>(Notices);
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A new account (a unique name) whose player grain passes its notices to <see cref="Notices"/>.</summary>
    public async Task<(long Id, string Name)> NewPlayerAsync()
    {
        var name = "p" + Guid.NewGuid().ToString("N")[..12];
        var result = await Client.GetGrain<IUserGrain>(name).RegisterAsync(new Secret("platoon password"));
        Assert.Equal(AccountStatus.Ok, result.Status);
        await Player(result.UserId).AttachAsync(Observer);
        return (result.UserId, name);
    }

    public IPlayerGrain Player(long userId) => Client.GetGrain<IPlayerGrain>(userId);

    public IPlatoonGrain Platoon(long leaderId) => Client.GetGrain<IPlatoonGrain>(leaderId);

    /// <summary>Waits (bounded; polling the cluster's state, not a clock) until <paramref name="done"/> holds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> done, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until every player's grain points at <paramref name="leaderId"/> (0: no platoon).</summary>
    public Task PointersAsync(long leaderId, params long[] userIds)
        => UntilAsync(async () =>
        {
            foreach (var id in userIds)
            {
                if (await Player(id).GetPlatoonAsync() != leaderId)
                {
                    return false;
                }
            }

            return true;
        }, $"platoon pointers = {leaderId}");
}

/// <summary>Every notice passed to the observer, per player, in arrival order.</summary>
public sealed class NoticeLog : IPlayerObserver
{
    private readonly ConcurrentDictionary<long, ConcurrentQueue<PlatoonNotice>> _notices = new();

    public void PlatoonChanged(long userId, PlatoonNotice notice) => _notices.GetOrAdd(userId, _ => new()).Enqueue(notice);

    public IReadOnlyList<PlatoonNotice> Of(long userId) => _notices.TryGetValue(userId, out var q) ? [.. q] : [];

    /// <summary>Waits for a notice to <paramref name="userId"/> that satisfies <paramref name="match"/>.</summary>
    public async Task<PlatoonNotice> WaitAsync(long userId, Func<PlatoonNotice, bool> match, string what)
    {
        PlatoonNotice? found = null;
        await PlatoonCluster.UntilAsync(() =>
        {
            found = Of(userId).LastOrDefault(match);
            return Task.FromResult(found is not null);
        }, what);
        return found!;
    }
}

[CollectionDefinition(Name)]
public sealed class PlatoonClusterCollection : ICollectionFixture<PlatoonCluster>
{
    public const string Name = "Platoon cluster";
}
