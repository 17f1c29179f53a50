using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tanks.MatchBench;

/// <summary>The rows as a table for people and as one JSON line for scripts.</summary>
public static class BenchReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ToJson(IReadOnlyList<BenchRow> rows, object machine)
        => JsonSerializer.Serialize(new { rows, machine }, Json);

    public static string Table(IReadOnlyList<BenchRow> rows)
    {
        string[] header = ["players", "reached", "joins", "s", "joins/s", "battles/s", "B written/join", "writes/join", "B/write", "p50 ms", "p99 ms", "alone ms", "RSS MB", "redis MB", "errors", "load"];
        var lines = rows.Select(r => new[]
        {
            Inv($"{r.Players}"), Inv($"{r.PopulationReached} ({r.PopulatedBy})"), Inv($"{r.Joins}"), Inv($"{r.Seconds:F1}"),
            Inv($"{r.JoinsPerSecond:F1}"), Inv($"{r.BattlesPerSecond:F2}"), Inv($"{r.WriteBytesPerJoin:N0}"), Inv($"{r.StorageWritesPerJoin:F2}"), Inv($"{r.BytesPerWrite:N0}"),
            Inv($"{r.P50JoinMs:F1}"), Inv($"{r.P99JoinMs:F1}"), Inv($"{r.SerialJoinMs:F1}"), Inv($"{r.RssMb:F0}"), Inv($"{r.RedisUsedMb:F1}"), Inv($"{r.Errors}"), Inv($"{r.Load1:F2}"),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, lines.Select(l => l[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", header.Select((h, i) => h.PadLeft(widths[i]))));
        foreach (var line in lines)
        {
            text.AppendLine(string.Join("  ", line.Select((v, i) => v.PadLeft(widths[i]))));
        }

        foreach (var r in rows.Where(r => r.Note is not null || r.Errors > 0))
        {
            text.AppendLine(Inv($"{r.Players}: {r.Note}") + (r.Errors > 0 ? " errors: " + string.Join(", ", r.ErrorKinds.Select(e => $"{e.Key} {e.Value}")) : ""));
        }

        return text.ToString().TrimEnd();
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
