using System.Collections.Concurrent;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.MatchBench;

/// <summary>
/// The bench's battles, shared by the silo's <see cref="BenchBattleGrain"/> activations and the driver (one process):
/// the running ones in start order, so the driver ends the oldest first, and where they report their end.
/// </summary>
public sealed class BattleBoard(BattleOwner owner)
{
    private readonly ConcurrentDictionary<Guid, BattleAssignment> _running = new();
    private readonly ConcurrentQueue<Guid> _order = new();
    private long _started;

    public BattleOwner Owner { get; } = owner;

    /// <summary>Battles started so far (seeded ones not counted).</summary>
    public long Started => Interlocked.Read(ref _started);

    public int Running => _running.Count;

    /// <summary>Raised on each start (from a grain's turn: the handler must not block).</summary>
    public event Action? BattleStarted;

    /// <summary>A battle grain started; false if it already runs (a retried start).</summary>
    public bool Start(BattleAssignment assignment)
    {
        if (!Add(assignment))
        {
            return false;
        }

        Interlocked.Increment(ref _started);
        BattleStarted?.Invoke();
        return true;
    }

    /// <summary>A battle of the seeded population: running, never started through a grain.</summary>
    public bool Add(BattleAssignment assignment)
    {
        if (!_running.TryAdd(assignment.BattleId, assignment))
        {
            return false;
        }

        _order.Enqueue(assignment.BattleId);
        return true;
    }

    public BattleAssignment? Find(Guid battleId) => _running.GetValueOrDefault(battleId);

    /// <summary>The oldest running battle not yet handed out, for the driver to end.</summary>
    public bool TryTakeOldest(out BattleAssignment assignment)
    {
        while (_order.TryDequeue(out var id))
        {
            if (_running.TryGetValue(id, out assignment!))
            {
                return true;
            }
        }

        assignment = null!;
        return false;
    }

    /// <summary>The battle's grain has ended it: no longer running.</summary>
    public void Ended(Guid battleId) => _running.TryRemove(battleId, out _);
}
