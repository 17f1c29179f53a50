using Orleans.Concurrency;
using Orleans.Runtime;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.MatchBench;

/// <summary>The driver's handle on a bench battle (same key as its <see cref="ISessionGrain"/>).</summary>
[Alias("Tanks.MatchBench.IBenchBattleGrain")]
public interface IBenchBattleGrain : IGrainWithGuidKey
{
    /// <summary>Ends the battle now and reports it as <c>SessionGrain</c> does: ended, then settled. Returns once both are told.</summary>
    [Alias("End")]
    Task EndAsync();
}

/// <summary>
/// Stands in for <c>SessionGrain</c> in the bench's silo (which has it removed): starts at once, simulates nothing, stores
/// nothing, answers the owner's sweep Running until the driver ends it, then tells its owner (the registry or its queue
/// shard, <see cref="BattleBoard.Owner"/>) BattleEnded and BattleSettled, like <c>SessionGrain.Settlement</c>. Reentrant: its
/// state is the board's, and the sweep's ask must not queue behind an end that waits on the owner.
/// </summary>
[Reentrant]
public sealed class BenchBattleGrain(BattleBoard board, ILocalSiloDetails localSilo) : Grain, ISessionGrain, IBenchBattleGrain
{
    private BattleAssignment? _ended;
    private bool _settled;

    private Guid BattleId => this.GetPrimaryKey();

    public Task StartAsync(BattleAssignment assignment)
    {
        board.Start(assignment);
        return Task.CompletedTask;
    }

    public Task<BattleStatus> EnsureRunningAsync() => Task.FromResult(Status());

    public Task<BattleStatus> SubscribeAsync(ISessionObserver observer) => Task.FromResult(Status());

    public Task UnsubscribeAsync(ISessionObserver observer) => Task.CompletedTask;

    public Task SubmitInputsAsync(InputBatch batch) => Task.CompletedTask;

    public Task<BattleInfo?> GetInfoAsync()
        => Task.FromResult(board.Find(BattleId) is { } running ? new BattleInfo(running, 0, 20, false)
            : _ended is { } ended ? new BattleInfo(ended, 0, 20, true)
            : null);

    /// <summary>The bench has no gateway that would send it: no definition.</summary>
    public Task<BattleDefinitionData?> GetDefinitionAsync() => Task.FromResult<BattleDefinitionData?>(null);

    public Task DrainAsync(bool canMove) => Task.CompletedTask;

    public async Task EndAsync()
    {
        if (board.Find(BattleId) is not { } assignment)
        {
            return;
        }

        // The owner is told first, as the real battle tells its shard before its players hear of the end: the driver
        // re-joins a battle's players once the board says it ended, and they must find themselves free by then.
        _ended = assignment;
        if (board.Owner == BattleOwner.Shard)
        {
            var shard = GrainFactory.GetGrain<IMatchQueueGrain>(assignment.Shard);
            await shard.BattleEndedAsync(BattleId);
            board.Ended(BattleId);
            await shard.BattleSettledAsync(BattleId);
        }
        else
        {
            var registry = GrainFactory.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey);
            await registry.BattleEndedAsync(BattleId);
            board.Ended(BattleId);
            await registry.BattleSettledAsync(BattleId);
        }

        _settled = true;
        DeactivateOnIdle();
    }

    private BattleStatus Status()
    {
        var silo = localSilo.SiloAddress.ToParsableString();
        return board.Find(BattleId) is not null ? new BattleStatus(BattlePhase.Running, Silo: silo)
            : _ended is not null ? new BattleStatus(BattlePhase.Ended, Silo: silo, Settled: _settled)
            : BattleStatus.Unknown;
    }
}
