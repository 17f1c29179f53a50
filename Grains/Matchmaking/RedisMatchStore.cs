using StackExchange.Redis;

namespace Tanks.Grains.Matchmaking;

/// <summary>The shards' store in Redis: HSET/HDEL of the changed fields in one batch, HGETALL when a shard activates.</summary>
public sealed class RedisMatchStore(ConfigurationOptions options) : IMatchStore, IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectionMultiplexer.ConnectAsync(options));

    public async Task<IReadOnlyDictionary<string, byte[]>> LoadAsync(string key)
    {
        var db = (await _connection.Value).GetDatabase();
        var entries = await db.HashGetAllAsync(key);
        var result = new Dictionary<string, byte[]>(entries.Length);
        foreach (var entry in entries)
        {
            result[entry.Name!] = (byte[])entry.Value!;
        }

        return result;
    }

    public async Task WriteAsync(string key, IReadOnlyCollection<KeyValuePair<string, byte[]?>> changes)
    {
        var db = (await _connection.Value).GetDatabase();
        var sets = changes.Where(c => c.Value is not null).Select(c => new HashEntry(c.Key, c.Value)).ToArray();
        var deletes = changes.Where(c => c.Value is null).Select(c => (RedisValue)c.Key).ToArray();
        var batch = db.CreateBatch();
        var writes = new List<Task>(2);
        if (sets.Length > 0)
        {
            writes.Add(batch.HashSetAsync(key, sets));
        }

        if (deletes.Length > 0)
        {
            writes.Add(batch.HashDeleteAsync(key, deletes));
        }

        batch.Execute();
        await Task.WhenAll(writes);
    }

    public void Dispose()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            _connection.Value.Result.Dispose();
        }
    }
}
