using System.Text.Json;
using Tanks.Protocol.Netcode;

namespace Tanks.Protocol.Tests.Netcode;

/// <summary>netcode-vectors.json (reference C implementation, netcode 1.02) and helpers to read its fields.</summary>
internal static class Vectors
{
    public const string FileName = "netcode-vectors.json";

    private static readonly Lazy<JsonDocument> _document = new(() => JsonDocument.Parse(File.ReadAllBytes(CopyPath)));

    /// <summary>The copy shipped with the tests (Tests/Tanks.Protocol.Tests/Vectors), in the output folder.</summary>
    public static string CopyPath => Path.Combine(AppContext.BaseDirectory, "Vectors", FileName);

    /// <summary>The project's shared reference file, beside the main work tree only (a clone has none): &lt;repo root&gt;/../shared/reference/netcode-vectors.json.</summary>
    public static string SharedPath => Path.Combine(RepoRoot(), "..", "shared", "reference", FileName);

    public static JsonElement Root => _document.Value.RootElement;

    public static JsonElement Section(string name) => Root.GetProperty(name);

    public static JsonElement Named(string section, string name)
    {
        foreach (var item in Section(section).EnumerateArray())
        {
            if (item.GetProperty("name").GetString() == name)
            {
                return item;
            }
        }

        throw new KeyNotFoundException($"{section}[{name}]");
    }

    public static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var item in Section(section).EnumerateArray())
        {
            data.Add(item.GetProperty("name").GetString()!);
        }

        return data;
    }

    public static byte[] Hex(this JsonElement element, string property) => Convert.FromHexString(element.GetProperty(property).GetString()!);

    public static ulong U64(this JsonElement element, string property) => ulong.Parse(element.GetProperty(property).GetString()!);

    public static ulong? U64OrNull(this JsonElement element, string property) =>
        element.GetProperty(property).ValueKind == JsonValueKind.Null ? null : element.U64(property);

    public static int I32(this JsonElement element, string property) => element.GetProperty(property).GetInt32();

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static bool Has(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null;

    public static NetcodeAddress[] Addresses(this JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(a => NetcodeAddress.Parse(a.GetString()!))];

    /// <summary>Walks up from the test binaries to the folder holding Tanks.slnx.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tanks.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("No Tanks.slnx above " + AppContext.BaseDirectory);
    }
}
