using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Tanks.Grains.Sessions;

/// <summary>
/// Where battles go. The registry picks the silo for a new battle (the fewest battles among active, non-draining
/// silos) and passes it as the placement hint; without a hint (a battle resuming after its silo died, or migrating off a
/// draining silo) any compatible silo but a draining local one, at random.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("Tanks.BattlePlacement")]
public sealed class BattlePlacementStrategy : PlacementStrategy
{
    internal static BattlePlacementStrategy Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class BattlePlacementAttribute() : PlacementAttribute(BattlePlacementStrategy.Instance);

internal sealed class BattlePlacementDirector(SiloBattles siloBattles) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (target.RequestContextData is { } data
            && data.TryGetValue(IPlacementDirector.PlacementHintKey, out var hint)
            && hint is SiloAddress hinted
            && silos.Contains(hinted))
        {
            return Task.FromResult(hinted);
        }

        if (siloBattles.Draining && silos.Length > 1)
        {
            var others = silos.Where(s => !s.Equals(context.LocalSilo)).ToArray();
            if (others.Length > 0)
            {
                return Task.FromResult(others[Random.Shared.Next(others.Length)]);
            }
        }

        return Task.FromResult(silos[Random.Shared.Next(silos.Length)]);
    }
}
