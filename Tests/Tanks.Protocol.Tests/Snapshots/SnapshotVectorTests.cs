using System.Text.Json;
using Tanks.Protocol.Snapshots;
using static Tanks.Protocol.Tests.Snapshots.SnapshotVectors;

namespace Tanks.Protocol.Tests.Snapshots;

/// <summary>
/// docs/vectors: every vector decodes to its state and its state encodes to its bytes, byte for byte. With
/// TANKS_WRITE_VECTORS=1 the files are regenerated first (then commit them).
/// </summary>
public sealed class SnapshotVectorTests
{
    private static readonly bool Write = Environment.GetEnvironmentVariable("TANKS_WRITE_VECTORS") == "1";

    static SnapshotVectorTests()
    {
        if (Write)
        {
            WriteAll();
        }
    }

    private static T Read<T>(string file) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(Path.Combine(SnapshotVectors.Directory(), file)), Json)!;

    private static void AssertBothWays(StateJson? baselineJson, StateJson currentJson, string hex, bool full, string what)
    {
        var baseline = full || baselineJson is null ? null : FromJson(baselineJson);
        var current = FromJson(currentJson);
        Assert.True(hex == SnapshotVectors.Encode(current, baseline), $"{what}: encode gives other bytes");
        var decoded = new WorldState();
        var bytes = Convert.FromHexString(hex);
        Assert.Equal(SnapshotReadResult.Ok, DeltaCodec.Decode(bytes, current.Tick, baseline, decoded));
        Assert.True(current.ContentEquals(decoded), $"{what}: decode gives another state");
        Assert.Equal(JsonSerializer.Serialize(currentJson, Json), JsonSerializer.Serialize(ToJson(decoded), Json));
    }

    [Fact]
    public void The_trig_vectors_are_the_table()
    {
        var file = Read<TrigJson>(TrigFile);
        Assert.Equal(Table(), file.Table);
        Assert.Equal(4096, file.Steps);
        Assert.Equal(16384, file.Scale);
        Assert.Equal("a9e75b5263c94d3620a516cd7641ba61804afdf98698ede73ca1fcecaf4e8ff6", file.TableSha256);
        Assert.Equal(TableSha256(Table()), file.TableSha256);
        Assert.Equal(1102650435778248721, file.TableHash31);
        foreach (var (index, value) in file.Checkpoints)
        {
            Assert.Equal(value, IntegerTrig.Entry(int.Parse(index)));
        }
        foreach (var (angle, cs) in file.AngleChecks)
        {
            Assert.Equal(cs, new[] { IntegerTrig.CosOf(ushort.Parse(angle)), IntegerTrig.SinOf(ushort.Parse(angle)) });
        }
        Assert.Equal(20, file.Checkpoints.Count);
    }

    [Fact]
    public void Every_delta_case_encodes_to_its_bytes_and_decodes_to_its_state()
    {
        var file = Read<CasesJson>(CasesFile);
        Assert.Equal(11, file.Cases.Length);
        foreach (var c in file.Cases)
        {
            AssertBothWays(c.Baseline, c.Current, c.Delta, full: false, c.Name);
            AssertBothWays(null, c.Current, c.Full, full: true, c.Name + " (full)");
            var baseline = c.Baseline is null ? null : FromJson(c.Baseline);
            Assert.Equal(c.DeltaBits, DeltaCodec.EncodedBits(FromJson(c.Current), baseline));
            Assert.Equal((c.DeltaBits + 7) / 8, c.Delta.Length / 2);
            Assert.Equal(c.Baseline is null ? 0u : c.Current.Tick - c.Baseline.Tick, c.N);
        }
    }

    [Fact]
    public void The_hand_made_cases_and_the_table_on_file_are_what_the_codec_gives_now()
    {
        // Platform-free (integers only): a codec change that is not written to docs/vectors fails here.
        Assert.Equal(JsonSerializer.Serialize(Cases(), Json) + "\n", File.ReadAllText(Path.Combine(SnapshotVectors.Directory(), CasesFile)));
        Assert.Equal(JsonSerializer.Serialize(Trig(), Json) + "\n", File.ReadAllText(Path.Combine(SnapshotVectors.Directory(), TrigFile)));
    }

    [Fact]
    public void Every_tick_of_the_duel_encodes_to_its_bytes_and_decodes_to_its_state()
    {
        var file = Read<DuelJson>(DuelFile);
        Assert.Equal(DuelTicks, file.Ticks.Length);
        Assert.Equal(1u, file.Ticks[0].State.Tick);
        Assert.NotNull(file.Ticks[0].Full);
        AssertBothWays(null, file.Ticks[0].State, file.Ticks[0].Full!, full: true, "tick 1");
        for (var i = 1; i < file.Ticks.Length; i++)
        {
            var t = file.Ticks[i];
            Assert.Equal(file.Ticks[i - 1].State.Tick + 1, t.State.Tick);
            AssertBothWays(file.Ticks[i - 1].State, t.State, t.Delta!, full: false, $"tick {t.State.Tick}");
        }
    }

    [Fact]
    public void The_duel_covers_what_a_client_must_handle()
    {
        var ticks = Read<DuelJson>(DuelFile).Ticks;
        Assert.Equal(8399, ticks[0].State.TicksLeft); // 420 s × 20 Hz − 1: ticks left after the first tick
        Assert.Contains(ticks, t => t.State.Shells.Length > 0);
        Assert.Contains(ticks.Zip(ticks.Skip(1)), p => p.First.State.Shells.Length > p.Second.State.Shells.Length); // a shell ended
        Assert.Contains(ticks.Zip(ticks.Skip(1)), p => p.First.State.Tanks[0].Hp != p.Second.State.Tanks[0].Hp
            || p.First.State.Tanks[1].Hp != p.Second.State.Tanks[1].Hp); // a hit
        Assert.Contains(ticks, t => t.State.Tanks.Any(k => k.TurnRate != 0));
    }
}
