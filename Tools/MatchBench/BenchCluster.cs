using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using StackExchange.Redis;
using Tanks.Grains;
using Tanks.Grains.Sessions;

namespace Tanks.MatchBench;

/// <summary>
/// An in-process cluster (Orleans.TestingHost: silos and a client in this process, messages serialized over its in-memory
/// transport) with the production grains and Redis grain storage, in which <see cref="BenchBattleGrain"/> replaces
/// <see cref="SessionGrain"/>: the class is removed from <see cref="GrainTypeOptions.Classes"/>, which the silo's grain
/// manifest is built from, so <see cref="Grains.Interfaces.Sessions.ISessionGrain"/> has one implementation, the bench's.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private BenchCluster(InProcessTestCluster cluster) => _cluster = cluster;

    public IClusterClient Client => _cluster.Client;

    /// <summary>The first silo's services (its grain storage, its options).</summary>
    public IServiceProvider SiloServices => _cluster.Silos[0].SiloHost.Services;

    public static async Task<BenchCluster> StartAsync(int silos, int shards, string redis, BattleBoard board)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRedisGrainStorage(StorageNames.Accounts, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            silo.AddRedisGrainStorage(StorageNames.Battles, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            silo.AddRedisMatchStore(ConfigurationOptions.Parse(redis));
            silo.AddTanksGrains();
            silo.Services.AddSingleton(board);
            silo.Services.Configure<MatchmakingOptions>(o => o.Shards = shards);
            silo.Services.PostConfigure<GrainTypeOptions>(o => o.Classes.Remove(typeof(SessionGrain)));
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new BenchCluster(cluster);
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();
}
