using System.Text.Json;

namespace Tanks.Tests.Reliability;

/// <summary>The reliability scenarios run one at a time, after the parallel tests: each starts a 3-silo cluster, which fills a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}

/// <summary>
/// A scenario's figures (what docs/reliability.md tabulates), written to the test log and to
/// <c>&lt;test output&gt;/reliability/&lt;scenario&gt;.json</c>, also when an assertion fails afterwards.
/// </summary>
public sealed class ScenarioReport(string scenario)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly SortedDictionary<string, object?> _figures = new(StringComparer.Ordinal);

    public string Scenario { get; } = scenario;

    public void Add(string name, object? value)
    {
        lock (_figures)
        {
            _figures[name] = value is TimeSpan t ? Math.Round(t.TotalSeconds, 3) : value;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{Scenario}: {name} = {Format(value)}");
    }

    public void Log(string text) => TestContext.Current.TestOutputHelper?.WriteLine(text);

    /// <summary>Writes the JSON file and the bots' journals and harness events to the test log.</summary>
    public void Write(ReliabilityCluster cluster, BotSwarm? swarm)
    {
        Log("harness events:\n" + string.Join('\n', cluster.Events));
        if (swarm is not null)
        {
            Log("bots:\n" + swarm.Describe());
        }

        var dir = Path.Combine(AppContext.BaseDirectory, "reliability");
        Directory.CreateDirectory(dir);
        lock (_figures)
        {
            File.WriteAllText(Path.Combine(dir, Scenario + ".json"), JsonSerializer.Serialize(new { scenario = Scenario, figures = _figures }, Json));
        }
    }

    private static string Format(object? value) => value switch
    {
        TimeSpan t => $"{t.TotalSeconds:0.000} s",
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>()) + "]",
        _ => value?.ToString() ?? "null",
    };
}
