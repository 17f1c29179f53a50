using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tanks.Game;

/// <summary>JSON (System.Text.Json, source-generated, camelCase, enums as strings) for maps and tank classes.</summary>
public static class GameJson
{
    /// <summary>Parses and validates a map; throws <see cref="InvalidDataException"/> on malformed or invalid data.</summary>
    public static MapDefinition LoadMap(string json)
    {
        MapDefinition? map;
        try
        {
            map = JsonSerializer.Deserialize(json, GameJsonContext.Default.MapDefinition);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("map: malformed JSON: " + e.Message, e);
        }
        if (map is null)
        {
            throw new InvalidDataException("map: JSON is null");
        }
        map.Validate();
        return map;
    }

    public static MapDefinition LoadMap(Stream utf8Json)
    {
        using var reader = new StreamReader(utf8Json);
        return LoadMap(reader.ReadToEnd());
    }

    public static string ToJson(MapDefinition map) => JsonSerializer.Serialize(map, GameJsonContext.Default.MapDefinition);

    /// <summary>Parses and validates an array of tank classes (index = class id).</summary>
    public static TankClass[] LoadTankClasses(string json)
    {
        TankClass[]? classes;
        try
        {
            classes = JsonSerializer.Deserialize(json, GameJsonContext.Default.TankClassArray);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("tank classes: malformed JSON: " + e.Message, e);
        }
        if (classes is null || classes.Length == 0)
        {
            throw new InvalidDataException("tank classes: at least one class is required");
        }
        foreach (var c in classes)
        {
            (c ?? throw new InvalidDataException("tank classes: null entry")).Validate();
        }
        return classes;
    }

    public static string ToJson(TankClass[] classes) => JsonSerializer.Serialize(classes, GameJsonContext.Default.TankClassArray);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(MapDefinition))]
[JsonSerializable(typeof(TankClass[]))]
internal sealed partial class GameJsonContext : JsonSerializerContext;
