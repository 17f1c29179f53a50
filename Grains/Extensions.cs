using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;
using Tanks.Grains.Accounts;

namespace Tanks.Grains;

public static class Extensions
{
    /// <summary>Registers what the grains need besides Orleans itself: account options and the password hasher.</summary>
    public static IServiceCollection AddTanksGrainServices(this IServiceCollection services)
    {
        services.AddOptions<AccountOptions>()
            .BindConfiguration(AccountOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<PasswordHasher>();
        services.AddOptions<Sessions.SessionOptions>()
            .BindConfiguration(Sessions.SessionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Sessions.TankPool>(_ => new Sessions.TankPool());
        services.AddOptions<Sessions.MatchmakingOptions>()
            .BindConfiguration(Sessions.MatchmakingOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => Tanks.Game.BuiltInMaps.Names.Contains(o.Map, StringComparer.OrdinalIgnoreCase),
                $"Matchmaking:Map must be one of {string.Join(", ", Tanks.Game.BuiltInMaps.Names)}")
            .ValidateOnStart();
        services.TryAddSingleton(GrainClock.System);
        services.AddSingleton<Sessions.SiloBattles>();
        services.TryAddSingleton<Matchmaking.IMatchStore, Matchmaking.MemoryMatchStore>();
        return services;
    }

    /// <summary>The queue shards keep their tickets and battles in Redis hashes (with Redis clustering; the default is in memory).</summary>
    public static ISiloBuilder AddRedisMatchStore(this ISiloBuilder silo, StackExchange.Redis.ConfigurationOptions options)
    {
        silo.Services.AddSingleton<Matchmaking.IMatchStore>(new Matchmaking.RedisMatchStore(options));
        return silo;
    }

    /// <summary>The silo side of the grains: battle placement (spread by the registry, never onto a draining silo).</summary>
    public static ISiloBuilder AddTanksGrains(this ISiloBuilder silo)
    {
        silo.Services.AddTanksGrainServices();
        silo.AddPlacementDirector<Sessions.BattlePlacementStrategy, Sessions.BattlePlacementDirector>();
        return silo;
    }
}
