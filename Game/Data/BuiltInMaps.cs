namespace Tanks.Game;

/// <summary>Maps shipped inside the assembly as JSON resources (Game/Maps/*.json).</summary>
public static class BuiltInMaps
{
    private static readonly Lazy<MapDefinition> _crossroads = new(() => Load("crossroads"));

    /// <summary>400 × 400 m: spawns south (team 0) and north (team 1), a base in the middle, buildings, rocks and walls.</summary>
    public static MapDefinition Crossroads => _crossroads.Value;

    public static IReadOnlyList<string> Names { get; } = ["crossroads"];

    /// <summary>Loads a built-in map by name (case-insensitive); throws <see cref="ArgumentException"/> if there is none.</summary>
    public static MapDefinition Load(string name)
    {
        var resource = "Tanks.Game.Maps." + name.ToLowerInvariant() + ".json";
        using var stream = typeof(BuiltInMaps).Assembly.GetManifestResourceStream(resource)
            ?? throw new ArgumentException($"no built-in map '{name}'", nameof(name));
        return GameJson.LoadMap(stream);
    }
}
