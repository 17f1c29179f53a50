using System.Collections.Concurrent;

namespace Tanks.Ops.Tests.Infrastructure;

/// <summary>A manifest rendered by helm template, parsed with YamlDotNet.</summary>
public sealed record Manifest(string Kind, string Name, Dictionary<string, object?> Doc, string Source)
{
    public object? At(string path) => Y.At(Doc, path);

    public string? Str(string path) => Y.Str(Doc, path);

    public override string ToString() => $"{Kind}/{Name}";
}

public static class Helm
{
    public const string Release = "t";
    public const string Fullname = "t-tanks";

    private static readonly ConcurrentDictionary<string, Lazy<List<Manifest>>> Cache = new();

    public static string ChartDir => Repo.Path("helm", "tanks");

    public static IEnumerable<string> ScenarioFiles() =>
        Directory.GetFiles(Repo.Path("helm", "ci"), "*-values.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static string[] ValuesArgs(string? scenario) =>
        scenario is null ? [] : ["-f", Repo.Path("helm", "ci", scenario)];

    public static ProcResult Template(string? scenario, params string[] extra) =>
        Proc.Run(Tools.Helm, ["template", Release, ChartDir, "--namespace", "games", .. ValuesArgs(scenario), .. extra]);

    /// <summary>Rendered and parsed manifests of a scenario (null = default values); cached per scenario.</summary>
    public static List<Manifest> Render(string? scenario)
    {
        var helm = Tools.Helm;
        return Cache.GetOrAdd(scenario ?? "", _ => new Lazy<List<Manifest>>(() =>
        {
            var r = Proc.Run(helm, ["template", Release, ChartDir, "--namespace", "games", .. ValuesArgs(scenario)]);
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException($"helm template failed for {scenario ?? "defaults"}: {r}");
            }

            return Parse(r.StdOut);
        })).Value;
    }

    public static List<Manifest> Parse(string yaml)
    {
        var result = new List<Manifest>();
        var source = "";
        foreach (var chunk in yaml.Split("\n---", StringSplitOptions.None))
        {
            var firstSource = chunk.Split('\n').FirstOrDefault(l => l.StartsWith("# Source: ", StringComparison.Ordinal));
            if (firstSource is not null)
            {
                source = firstSource["# Source: ".Length..];
            }

            // The split took the line break before "---": give it back, or the last block scalar loses its final one.
            foreach (var doc in Yaml.LoadAll((chunk.StartsWith('\n') ? chunk : "\n" + chunk) + "\n"))
            {
                if (doc is Dictionary<string, object?> m)
                {
                    result.Add(new Manifest(Y.Str(m, "kind") ?? "?", Y.Str(m, "metadata.name") ?? "?", m, source));
                }
            }
        }

        return result;
    }

    public static Manifest One(this List<Manifest> ms, string kind, string name) =>
        ms.SingleOrDefault(m => m.Kind == kind && m.Name == name)
        ?? throw new InvalidOperationException($"{kind}/{name} not rendered; have: {string.Join(", ", ms)}");

    /// <summary>The pod spec of a workload (Deployment, StatefulSet, Job, CronJob, Pod).</summary>
    public static Dictionary<string, object?>? PodSpec(this Manifest m) => m.Kind switch
    {
        "Deployment" or "StatefulSet" or "Job" or "DaemonSet" => m.At("spec.template.spec") as Dictionary<string, object?>,
        "CronJob" => m.At("spec.jobTemplate.spec.template.spec") as Dictionary<string, object?>,
        "Pod" => m.At("spec") as Dictionary<string, object?>,
        _ => null,
    };

    public static Dictionary<string, object?> Container(this Manifest m, string name) =>
        Y.SeqAt(m.PodSpec(), "containers").Cast<Dictionary<string, object?>>().SingleOrDefault(c => Y.Str(c, "name") == name)
        ?? throw new InvalidOperationException($"{m} has no container {name}");

    public static Dictionary<string, object?> Env(this Dictionary<string, object?> container, string name) =>
        Y.SeqAt(container, "env").Cast<Dictionary<string, object?>>().SingleOrDefault(e => Y.Str(e, "name") == name)
        ?? throw new InvalidOperationException($"container {Y.Str(container, "name")} has no env {name}");

    public static bool HasEnv(this Dictionary<string, object?> container, string name) =>
        Y.SeqAt(container, "env").Cast<Dictionary<string, object?>>().Any(e => Y.Str(e, "name") == name);

    public static Dictionary<string, object?> Volume(this Manifest m, string name) =>
        Y.SeqAt(m.PodSpec(), "volumes").Cast<Dictionary<string, object?>>().SingleOrDefault(v => Y.Str(v, "name") == name)
        ?? throw new InvalidOperationException($"{m} has no volume {name}");
}
