using System.Collections.Concurrent;

namespace Tanks.Grains.Sessions;

/// <summary>
/// The battles ticking on this silo, and whether the silo is draining (stopping: no new battle here, the running
/// ones move away). One per silo; battles add and remove themselves, the drain reads it.
/// </summary>
public sealed class SiloBattles
{
    private readonly ConcurrentDictionary<Guid, byte> _running = new();
    private volatile bool _draining;

    public bool Draining => _draining;

    public int Count => _running.Count;

    public IReadOnlyCollection<Guid> Running => [.. _running.Keys];

    public void BeginDrain() => _draining = true;

    internal void Add(Guid battleId) => _running.TryAdd(battleId, 0);

    internal void Remove(Guid battleId) => _running.TryRemove(battleId, out _);
}
