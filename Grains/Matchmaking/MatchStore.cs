using System.Collections.Concurrent;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// Where the queue shards keep their tickets and battles: one hash per shard and kind, written a field at a time, so a
/// join costs one small write whatever the population (a grain's persistent state would be rewritten whole).
/// </summary>
public interface IMatchStore
{
    /// <summary>Every field of the hash (empty when it does not exist).</summary>
    Task<IReadOnlyDictionary<string, byte[]>> LoadAsync(string key);

    /// <summary>Sets the fields with a value and deletes those with null, in one round trip.</summary>
    Task WriteAsync(string key, IReadOnlyCollection<KeyValuePair<string, byte[]?>> changes);
}

/// <summary>The embedded default (no Redis): in this process only, like the in-memory grain storage beside it.</summary>
public sealed class MemoryMatchStore : IMatchStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte[]>> _hashes = new();

    public Task<IReadOnlyDictionary<string, byte[]>> LoadAsync(string key)
        => Task.FromResult<IReadOnlyDictionary<string, byte[]>>(
            _hashes.TryGetValue(key, out var hash) ? new Dictionary<string, byte[]>(hash) : new Dictionary<string, byte[]>());

    public Task WriteAsync(string key, IReadOnlyCollection<KeyValuePair<string, byte[]?>> changes)
    {
        var hash = _hashes.GetOrAdd(key, _ => new ConcurrentDictionary<string, byte[]>());
        foreach (var (field, value) in changes)
        {
            if (value is null)
            {
                hash.TryRemove(field, out _);
            }
            else
            {
                hash[field] = value;
            }
        }

        return Task.CompletedTask;
    }
}
