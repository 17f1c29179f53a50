using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tanks.Game;

/// <summary>The shape of an obstacle ("circle" or "box" in JSON).</summary>
[JsonConverter(typeof(ObstacleShapeJsonConverter))]
public enum ObstacleShape
{
    Circle,
    Box,
}

internal sealed class ObstacleShapeJsonConverter() : JsonStringEnumConverter<ObstacleShape>(JsonNamingPolicy.CamelCase);

/// <summary>
/// An obstacle (building, rock, wall). A circle uses <see cref="Radius"/>; a box uses <see cref="HalfWidth"/> (along its
/// local X), <see cref="HalfHeight"/> (local Y) and is rotated counter-clockwise by <see cref="AngleDegrees"/> about its centre.
/// </summary>
public sealed record ObstacleDefinition(
    ObstacleShape Shape,
    float X,
    float Y,
    float Radius = 0f,
    float HalfWidth = 0f,
    float HalfHeight = 0f,
    float AngleDegrees = 0f);

/// <summary>An axis-aligned rectangle where a team's tanks spawn, facing <see cref="FacingDegrees"/>.</summary>
public sealed record SpawnZone(float X, float Y, float HalfWidth, float HalfHeight, float FacingDegrees);

/// <summary>The circular base that either team can capture.</summary>
public sealed record CaptureZone(float X, float Y, float Radius);

/// <summary>
/// A map as data: bounds [0, Width] × [0, Height] in metres, obstacles, one spawn zone per team (index = team) and a capture
/// base. Load from JSON with <see cref="GameJson.LoadMap(string)"/>; built-in maps are in <see cref="BuiltInMaps"/>.
/// </summary>
public sealed record MapDefinition(
    string Name,
    float Width,
    float Height,
    ObstacleDefinition[] Obstacles,
    SpawnZone[] Spawns,
    CaptureZone Base)
{
    /// <summary>The smallest half extent a box or radius a circle may have (so swept shell tests stay well-conditioned).</summary>
    public const float MinObstacleHalfExtent = 0.05f;

    /// <summary>The largest map side in metres.</summary>
    public const float MaxSide = 10_000f;

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first problem, if any.</summary>
    public void Validate()
    {
        // JSON can leave "non-nullable" members null; check them as data, not as trusted code.
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new InvalidDataException("map: name is required");
        }
        if (!(Width > 0 && Width <= MaxSide) || !(Height > 0 && Height <= MaxSide))
        {
            throw new InvalidDataException($"map {Name}: width and height must be in (0, {MaxSide}]");
        }
        if (Obstacles is null)
        {
            throw new InvalidDataException($"map {Name}: obstacles is required (may be empty)");
        }
        for (var i = 0; i < Obstacles.Length; i++)
        {
            var o = Obstacles[i] ?? throw new InvalidDataException($"map {Name}: obstacle {i} is null");
            if (!float.IsFinite(o.X) || !float.IsFinite(o.Y) || !float.IsFinite(o.AngleDegrees))
            {
                throw new InvalidDataException($"map {Name}: obstacle {i} has a non-finite coordinate");
            }
            var ok = o.Shape switch
            {
                ObstacleShape.Circle => o.Radius >= MinObstacleHalfExtent && o.Radius <= MaxSide,
                ObstacleShape.Box => o.HalfWidth >= MinObstacleHalfExtent && o.HalfHeight >= MinObstacleHalfExtent
                    && o.HalfWidth <= MaxSide && o.HalfHeight <= MaxSide,
                _ => false,
            };
            if (!ok)
            {
                throw new InvalidDataException(
                    $"map {Name}: obstacle {i} ({o.Shape}) needs extents in [{MinObstacleHalfExtent}, {MaxSide}]");
            }
        }
        if (Spawns is null || Spawns.Length != 2)
        {
            throw new InvalidDataException($"map {Name}: exactly two spawn zones (team 0, team 1) are required");
        }
        for (var i = 0; i < 2; i++)
        {
            var s = Spawns[i] ?? throw new InvalidDataException($"map {Name}: spawn {i} is null");
            if (!Inside(s.X, s.Y) || !(s.HalfWidth >= 0) || !(s.HalfHeight >= 0) || !float.IsFinite(s.FacingDegrees)
                || !Inside(s.X - s.HalfWidth, s.Y - s.HalfHeight) || !Inside(s.X + s.HalfWidth, s.Y + s.HalfHeight))
            {
                throw new InvalidDataException($"map {Name}: spawn {i} must lie inside the map");
            }
        }
        if (Base is null || !Inside(Base.X, Base.Y) || !(Base.Radius > 0) || !float.IsFinite(Base.Radius))
        {
            throw new InvalidDataException($"map {Name}: base must have a positive radius and its centre inside the map");
        }
    }

    private bool Inside(float x, float y) => x >= 0 && x <= Width && y >= 0 && y <= Height;
}
