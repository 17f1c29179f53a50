namespace Tanks.Game;

/// <summary>Maps shipped inside the assembly as JSON resources (Game/Maps/*.json).</summary>
public static class BuiltInMaps
{
    private static readonly Lazy<MapDefinition> _crossroads = new(() => Load("crossroads"));

    /// <summary>400 × 400 m: spawns south (team 0) and north (team 1), a base in the middle, buildings, rocks and walls.</summary>
    public static MapDefinition Crossroads => _crossroads.Value;

    /// <summary>120 × 120 m, spawns 50 m apart facing each other, two rocks: quick 1v1s, training and tests.</summary>
    public static MapDefinition Duel => Load("duel");

    public static IReadOnlyList<string> Names { get; } = ["crossroads", "duel"];

    /// <summary>Loads a built-in map by name (case-insensitive); throws <see cref="ArgumentException"/> if there is none.</summary>
    public static MapDefinition Load(string name)
    {
        var resource = "Tanks.Game.Maps." + name.ToLowerInvariant() + ".json";
        using var stream = typeof(BuiltInMaps).Assembly.GetManifestResourceStream(resource)
            ?? throw new ArgumentException($"no built-in map '{name}'", nameof(name));
        return GameJson.LoadMap(stream);
    }
}
