using YamlDotNet.RepresentationModel;

namespace Tanks.Ops.Tests.Infrastructure;

/// <summary>
/// YAML (YamlDotNet) as a plain object tree: mappings are <c>Dictionary&lt;string, object?&gt;</c>, sequences
/// <c>List&lt;object?&gt;</c>, scalars stay strings (no type resolution); an empty plain scalar, <c>~</c> and
/// <c>null</c> are null. Comments, anchors and aliases are YamlDotNet's.
/// </summary>
public static class Yaml
{
    /// <summary>Every document of <paramref name="text"/> that holds something (empty documents are left out).</summary>
    public static List<object?> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => Convert(d.RootNode)).Where(n => n is not null).ToList();
    }

    public static object? Load(string text) => LoadAll(text).SingleOrDefault();

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => Convert(kv.Value)),
        YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" } => null,
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };
}

/// <summary>Navigation helpers over <see cref="Yaml"/>'s object tree.</summary>
public static class Y
{
    public static Dictionary<string, object?> Map(object? node, string what = "node") =>
        node as Dictionary<string, object?> ?? throw new InvalidOperationException($"{what} is not a mapping: {node}");

    public static List<object?> Seq(object? node, string what = "node") =>
        node as List<object?> ?? throw new InvalidOperationException($"{what} is not a sequence: {node}");

    /// <summary>Value at a dotted path ("spec.template.spec"); null when any part is missing.</summary>
    public static object? At(object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (node is Dictionary<string, object?> m && m.TryGetValue(part, out var v))
            {
                node = v;
            }
            else if (node is List<object?> l && int.TryParse(part, out var i) && i < l.Count)
            {
                node = l[i];
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    public static string? Str(object? node, string path) => At(node, path) as string;

    public static Dictionary<string, object?> MapAt(object? node, string path) =>
        At(node, path) as Dictionary<string, object?> ?? throw new InvalidOperationException($"'{path}' is not a mapping");

    public static List<object?> SeqAt(object? node, string path) =>
        At(node, path) as List<object?> ?? [];
}
