using System.Text.RegularExpressions;

namespace Tanks.Ops.Tests.Infrastructure;

/// <summary>
/// The configuration keys the gateways really bind, read from the options classes' source (this project does not
/// reference the gateways): section name + settable public properties. Chart and compose env names are checked
/// against them, so a renamed or misspelt option cannot hide in a manifest.
/// </summary>
public static partial class OptionNames
{
    /// <summary>Options classes whose sections deployment files configure through environment variables.</summary>
    private static readonly string[][] Sources =
    [
        ["Gateway.Tcp", "TcpGatewayOptions.cs"],
        ["Gateway.Udp", "UdpGatewayOptions.cs"],
        ["Protocol", "Netcode", "NetcodeOptions.cs"],
        ["ServiceDefaults", "RedisOptions.cs"],
        ["ServiceDefaults", "ClusterOptions.cs"],
        ["ServiceDefaults", "OrleansTlsOptions.cs"],
    ];

    /// <summary>Section name → property names (e.g. UdpGateway → Port, MetricsPort, ServerAddress, ...).</summary>
    public static Dictionary<string, HashSet<string>> Sections() => Read(collectionsOnly: false);

    private static Dictionary<string, HashSet<string>> Read(bool collectionsOnly)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var parts in Sources)
        {
            var text = Repo.Read(parts);
            var section = SectionName().Match(text);
            if (!section.Success)
            {
                throw new InvalidOperationException($"no SectionName in {string.Join('/', parts)}");
            }

            result[section.Groups[1].Value] = Property().Matches(text)
                .Where(m => !collectionsOnly || m.Groups[1].Value.EndsWith("[]", StringComparison.Ordinal) || m.Groups[1].Value.StartsWith("List<", StringComparison.Ordinal))
                .Select(m => m.Groups[2].Value).ToHashSet(StringComparer.Ordinal);
        }

        return result;
    }

    /// <summary>
    /// Env names in a section these classes own that bind to no property ("UdpGateway__Port" is fine,
    /// "Netcode__PublicAddresses__0" is fine, "UdpGateway__Prot" and "UdpGateway__Port__0" are not). Names of
    /// other sections are ignored.
    /// </summary>
    public static List<string> Unknown(IEnumerable<string> envNames)
    {
        var sections = Sections();
        var collections = Read(collectionsOnly: true);
        var unknown = new List<string>();
        foreach (var name in envNames)
        {
            var parts = name.Split("__");
            if (parts.Length >= 2 && sections.TryGetValue(parts[0], out var properties)
                && !(properties.Contains(parts[1])
                    && (parts.Length == 2 || (parts.Length == 3 && collections[parts[0]].Contains(parts[1]) && int.TryParse(parts[2], out _)))))
            {
                unknown.Add(name);
            }
        }

        return unknown;
    }

    [GeneratedRegex(@"public const string SectionName = ""(\w+)"";")]
    private static partial Regex SectionName();

    [GeneratedRegex(@"^\s*public ([\w<>\[\]?,. ]+?) (\w+) \{ get; set; \}", RegexOptions.Multiline)]
    private static partial Regex Property();
}
