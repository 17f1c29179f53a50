using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Tanks.Grains;

namespace Tanks.Tests.Accounts;

/// <summary>A two-silo in-process test cluster with memory storage and one fake clock, shared by the account and battle tests.</summary>
public sealed class AccountsCluster : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Accounts);
            silo.AddMemoryGrainStorage(StorageNames.Battles);
            silo.Services.AddSingleton(new GrainClock(Time));
            silo.AddTanksGrains();
            // Short battles and a quick matchmaking pass; the waits (30 s / 60 s) stay as shipped, on the fake clock.
            silo.Services.Configure<Tanks.Grains.Sessions.SessionOptions>(o => o.TimeLimit = TimeSpan.FromSeconds(3));
            silo.Services.Configure<Tanks.Grains.Sessions.MatchmakingOptions>(o => o.Interval = TimeSpan.FromMilliseconds(100));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AccountsClusterCollection : ICollectionFixture<AccountsCluster>
{
    public const string Name = "Accounts cluster";
}
