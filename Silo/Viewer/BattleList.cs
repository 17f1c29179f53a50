using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.Silo.Viewer;

/// <summary>
/// The live battles as the viewer lists them: the registry's index (every queue shard) and each battle's own tick,
/// epoch and silo. Cached for <see cref="ViewerOptions.ListCacheDuration"/>, so any number of open pages costs one round
/// of calls per period; bounded by <see cref="ViewerOptions.MaxListedBattles"/>.
/// </summary>
internal sealed class BattleList(IGrainFactory grains, IOptions<ViewerOptions> options, TimeProvider time)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);
    private readonly ViewerOptions _options = options.Value;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Cached? _cached; // a reference: read and replaced whole, without the lock

    /// <summary>The list as JSON: <c>{"battles":[{id, map, shard, silo, tick, tickRate, epoch, players:[…]}], "count", "truncated"}</c>.</summary>
    public async Task<byte[]> GetJsonAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } hit && time.GetUtcNow() - hit.At < _options.ListCacheDuration)
        {
            return hit.Json;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && time.GetUtcNow() - again.At < _options.ListCacheDuration)
            {
                return again.Json;
            }

            var json = await BuildAsync();
            _cached = new Cached(json, time.GetUtcNow());
            return json;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<byte[]> BuildAsync()
    {
        var max = _options.MaxListedBattles;
        // One more than shown, to say whether the list was cut.
        var battles = await grains.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey)
            .ListBattlesAsync(max + 1).WaitAsync(CallTimeout);
        var shown = battles.Take(max).ToArray();
        var infos = await Task.WhenAll(shown.Select(b => InfoAsync(b.Assignment.BattleId)));

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("battles");
            for (var i = 0; i < shown.Length; i++)
            {
                var (assignment, silo) = (shown[i].Assignment, shown[i].Silo);
                var info = infos[i];
                if (info is { Over: true })
                {
                    continue; // over, its shard not told yet
                }

                w.WriteStartObject();
                w.WriteString("id", assignment.BattleId);
                w.WriteString("map", assignment.MapId);
                w.WriteNumber("shard", assignment.Shard);
                w.WriteString("silo", info?.Silo ?? silo);
                if (info is null)
                {
                    w.WriteNull("tick"); // did not answer in time (a silo lost, a resume under way)
                    w.WriteNull("tickRate");
                    w.WriteNull("epoch");
                }
                else
                {
                    w.WriteNumber("tick", info.Tick);
                    w.WriteNumber("tickRate", info.TickRate);
                    w.WriteNumber("epoch", info.Epoch);
                }

                ViewerJson.WritePlayers(w, assignment);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("count", shown.Length);
            w.WriteBoolean("truncated", battles.Length > max);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private sealed record Cached(byte[] Json, DateTimeOffset At);

    private async Task<BattleInfo?> InfoAsync(Guid battleId)
    {
        try
        {
            return await grains.GetGrain<ISessionGrain>(battleId).GetInfoAsync().WaitAsync(CallTimeout);
        }
        catch (Exception)
        {
            return null;
        }
    }
}
