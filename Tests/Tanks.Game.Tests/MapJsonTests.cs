namespace Tanks.Game.Tests;

public class MapJsonTests
{
    [Fact]
    public void Built_in_map_round_trips_through_json()
    {
        var map = BuiltInMaps.Crossroads;
        var json = GameJson.ToJson(map);
        var back = GameJson.LoadMap(json);
        Assert.Equal(json, GameJson.ToJson(back));
        Assert.Equal((map.Name, map.Width, map.Height, map.Base), (back.Name, back.Width, back.Height, back.Base));
        Assert.Equal(map.Obstacles, back.Obstacles);
        Assert.Equal(map.Spawns, back.Spawns);
        Assert.Contains("\"shape\": \"box\"", json);
        Assert.Equal(json, GameJson.ToJson(BuiltInMaps.Load("CrossRoads")));
        Assert.Throws<ArgumentException>(() => BuiltInMaps.Load("atlantis"));
    }

    private const string Custom = """
        {
          // a tiny custom arena, with comments and a trailing comma
          "name": "pit",
          "width": 80, "height": 60,
          "obstacles": [
            { "shape": "circle", "x": 40, "y": 30, "radius": 5 },
            { "shape": "box", "x": 40, "y": 10, "halfWidth": 3, "halfHeight": 0.2, "angleDegrees": 45 },
          ],
          "spawns": [
            { "x": 10, "y": 30, "halfWidth": 4, "halfHeight": 20, "facingDegrees": 0 },
            { "x": 70, "y": 30, "halfWidth": 4, "halfHeight": 20, "facingDegrees": 180 }
          ],
          "base": { "x": 40, "y": 50, "radius": 6 }
        }
        """;

    [Fact]
    public void A_custom_map_loads_from_json_and_hosts_a_battle()
    {
        var map = GameJson.LoadMap(Custom);
        Assert.Equal("pit", map.Name);
        Assert.Equal(new ObstacleDefinition(ObstacleShape.Box, 40, 10, 0, 3, 0.2f, 45), map.Obstacles[1]);
        Assert.Equal(new ObstacleDefinition(ObstacleShape.Circle, 40, 30, Radius: 5), map.Obstacles[0]);
        var b = new Battle(new BattleSetup(map, [new PlayerSlot(0, 0), new PlayerSlot(0, 1), new PlayerSlot(1, 2)], 1));
        Invariants.AssertNoOverlaps(b);
        Assert.InRange(b.Tanks[2].X, 60, 80);
        var bots = new Bots(1, 3);
        var inputs = new TankInput[3];
        for (var i = 0; i < 400; i++)
        {
            bots.Fill(b, inputs);
            b.Step(inputs);
            Invariants.AssertNoOverlaps(b);
        }
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("null")]
    [InlineData("""{ "name": "x", "width": 10, "height": 10, "obstacles": [], "base": { "x": 5, "y": 5, "radius": 1 } }""")]
    [InlineData("""{ "name": "x", "width": -10, "height": 10, "obstacles": [], "spawns": [], "base": { "x": 5, "y": 5, "radius": 1 } }""")]
    [InlineData("""{ "name": "x", "width": 10, "height": 10, "obstacles": [ { "shape": "circle", "x": 1, "y": 1, "radius": 0 } ], "spawns": [ { "x": 1, "y": 1, "halfWidth": 0, "halfHeight": 0, "facingDegrees": 0 }, { "x": 9, "y": 9, "halfWidth": 0, "halfHeight": 0, "facingDegrees": 0 } ], "base": { "x": 5, "y": 5, "radius": 1 } }""")]
    [InlineData("""{ "name": "x", "width": 10, "height": 10, "obstacles": [], "spawns": [ { "x": 1, "y": 1, "halfWidth": 0, "halfHeight": 0, "facingDegrees": 0 }, { "x": 19, "y": 9, "halfWidth": 0, "halfHeight": 0, "facingDegrees": 0 } ], "base": { "x": 5, "y": 5, "radius": 1 } }""")]
    [InlineData("""{ "name": "x", "width": 10, "height": 10, "obstacles": [ { "shape": "triangle", "x": 1, "y": 1 } ], "spawns": [], "base": { "x": 5, "y": 5, "radius": 1 } }""")]
    public void Invalid_maps_are_rejected_with_a_clear_exception(string json)
    {
        Assert.Throws<InvalidDataException>(() => GameJson.LoadMap(json));
    }

    [Fact]
    public void Tank_classes_round_trip_through_json()
    {
        var classes = TankClasses.All();
        var json = GameJson.ToJson(classes);
        Assert.Equal(classes, GameJson.LoadTankClasses(json));
        Assert.Contains("\"hullTurnDegreesPerSecond\"", json);
        Assert.Throws<InvalidDataException>(() => GameJson.LoadTankClasses("[]"));
        Assert.Throws<InvalidDataException>(() => GameJson.LoadTankClasses(json.Replace("\"hitPoints\": 800", "\"hitPoints\": -1")));
    }
}
