using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Tanks.Grains;

namespace Tanks.Tests.Accounts;

/// <summary>A two-silo in-process test cluster with memory storage and one fake clock, shared by the account tests.</summary>
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
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.AddTanksGrainServices();
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
