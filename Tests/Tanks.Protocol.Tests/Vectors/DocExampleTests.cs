using System.Text.Json;
using System.Text.RegularExpressions;
using Tanks.Protocol.Game;
using Tanks.Protocol.Tests.Snapshots;

namespace Tanks.Protocol.Tests.Vectors;

/// <summary>
/// docs/protocol.md "Examples (hex)": every message example there is what the code writes, and every snapshot example
/// named by its case is that case's bytes in docs/vectors/delta-cases.json (which SnapshotVectorTests holds to the codec).
/// The section is read from the doc, so an example edited by hand or left stale by a layout change fails here.
/// </summary>
public sealed partial class DocExampleTests
{
    private static string Section()
    {
        var doc = File.ReadAllText(Path.Combine(SnapshotVectors.Directory(), "..", "protocol.md"));
        var start = doc.IndexOf("#### Examples (hex)", StringComparison.Ordinal);
        Assert.True(start >= 0, "protocol.md has no \"Examples (hex)\" section");
        var end = doc.IndexOf("\n### ", start, StringComparison.Ordinal);
        return doc[start..end];
    }

    /// <summary>The hex line under the example whose description starts with <paramref name="label"/>.</summary>
    private static string HexUnder(string label)
    {
        var lines = Section().Split('\n');
        var at = Array.FindIndex(lines, l => l.StartsWith(label, StringComparison.Ordinal));
        Assert.True(at >= 0, $"no example \"{label}\" in protocol.md");
        return lines[at + 1].Trim();
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => string.Join(' ', Convert.ToHexString(bytes).Chunk(2).Select(c => new string(c)));

    [Fact]
    public void Input()
    {
        var bytes = new byte[InputMessage.Size];
        new InputMessage(0x01020304, -127, 64, 0xC000, InputButtons.Fire, 1234).WriteTo(bytes);
        Assert.Equal(HexUnder("Input: seq 0x01020304"), Hex(bytes));
    }

    [Fact]
    public void QueueStatus()
    {
        var bytes = new byte[QueueStatusMessage.Size];
        new QueueStatusMessage(QueueState.Queued, 3, 12, 45).WriteTo(bytes);
        Assert.Equal(HexUnder("QueueStatus: queued, position 3 of 12"), Hex(bytes));
    }

    [Fact]
    public void BattleEnd()
    {
        var bytes = new byte[BattleEndMessage.SizeOf(0)];
        BattleEndMessage.Write(bytes, BattleEndMessage.Draw, BattleEndReasonCode.Time, []);
        Assert.Equal(HexUnder("BattleEnd: draw, time limit"), Hex(bytes));
    }

    [Fact]
    public void Snapshot_part_header()
    {
        var bytes = new byte[GameProtocol.MaxMessageBytes];
        var length = SnapshotMessage.WritePart(bytes, 100, 3, 1, 2, [0x55], inputAck: 42);
        Assert.Equal(SnapshotMessage.HeaderBytes + 1, length);
        Assert.Equal(HexUnder("Snapshot part header: tick 100, delta against tick 97, part 1 of 2, input ack 42"), Hex(bytes.AsSpan(0, 12)) + " …");
    }

    [Fact]
    public void ProtocolError()
    {
        var bytes = new byte[ProtocolErrorMessage.Size];
        new ProtocolErrorMessage(GameProtocol.Version, ProtocolErrorCode.UnsupportedVersion).WriteTo(bytes);
        Assert.Equal(HexUnder("ProtocolError: the server speaks version 2"), Hex(bytes));
    }

    [Fact]
    public void Every_snapshot_example_is_its_case_in_the_vectors()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(SnapshotVectors.Directory(), "delta-cases.json")));
        var cases = json.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("delta").GetString()!);
        var lines = Section().Split('\n');
        var checkedCases = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var named = CaseName().Match(lines[i]);
            if (!named.Success)
            {
                continue;
            }

            // The hex is at the start of the line naming the case, or the first hex (or "→ hex") line after it.
            string? hex = null;
            for (var j = i; j < lines.Length && hex is null; j++)
            {
                var m = HexLine().Match(lines[j]);
                if (m.Success && (j > i || m.Index == 0))
                {
                    hex = m.Groups["hex"].Value;
                }
            }

            var name = named.Groups["name"].Value;
            Assert.True(cases.ContainsKey(name), $"protocol.md names case {name}, which docs/vectors/delta-cases.json does not have");
            Assert.True(hex is not null, $"no hex after case {name}");
            Assert.Equal(cases[name], hex!.Replace(" ", "").ToLowerInvariant());
            checkedCases.Add(name);
        }

        Assert.Equal(["example-full-tick-100", "example-steady-103", "example-turn-104", "shells-removed", "header-changes"], checkedCases);
    }

    [GeneratedRegex(@"\bcase (?<name>[a-z0-9]+(?:-[a-z0-9]+)+)")]
    private static partial Regex CaseName();

    [GeneratedRegex(@"^\s+(?:→ (?:.*= )?)?(?<hex>[0-9A-F]{2}(?: [0-9A-F]{2})*)(?=\s|$)")]
    private static partial Regex HexLine();
}
