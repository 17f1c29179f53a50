using System.Buffers;
using System.Text;
using System.Text.Json;
using Tanks.Game;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Protocol.Snapshots;

namespace Tanks.Silo.Viewer;

/// <summary>
/// The viewer's wire: compact JSON that the page's script reads (Silo/Viewer/wwwroot/viewer.js), written with
/// <see cref="Utf8JsonWriter"/> once per frame and shared by every browser watching the battle. Units as in the
/// snapshot (<see cref="QuantizedTank"/>, <see cref="QuantizedShell"/>): centimetres, angles 0..65535 = 0..2π, so the
/// server only copies integers.
/// </summary>
public static class ViewerJson
{
    /// <summary>
    /// One SSE <c>frame</c> event: <c>{"t":tick,"e":epoch,"l":ticksLeft,"c":[cap0,cap1],"w":winner,"r":reason,
    /// "k":[[id,team,class,x,y,hull,turret,hp,alive,reload],…],"s":[[id,owner,x,y,angle,speed,spawnTick],…]}</c>.
    /// </summary>
    public static byte[] FrameEvent(WorldState state, int epoch)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + state.Tanks.Length * 48 + state.Shells.Length * 48);
        buffer.Write("event: frame\ndata: "u8);
        using (var w = new Utf8JsonWriter(buffer))
        {
            var h = state.Header;
            w.WriteStartObject();
            w.WriteNumber("t", h.Tick);
            w.WriteNumber("e", epoch);
            w.WriteNumber("l", h.TicksLeft);
            w.WriteStartArray("c");
            w.WriteNumberValue(h.Capture0);
            w.WriteNumberValue(h.Capture1);
            w.WriteEndArray();
            w.WriteNumber("w", h.Winner == SnapshotHeader.NoWinner ? -1 : h.Winner);
            w.WriteNumber("r", h.EndReason);
            w.WriteStartArray("k");
            foreach (ref readonly var t in state.Tanks)
            {
                w.WriteStartArray();
                w.WriteNumberValue(t.Id);
                w.WriteNumberValue(t.Team);
                w.WriteNumberValue(t.ClassId);
                w.WriteNumberValue(t.X);
                w.WriteNumberValue(t.Y);
                w.WriteNumberValue(t.HullAngle);
                w.WriteNumberValue(t.TurretAngle);
                w.WriteNumberValue(t.HitPoints);
                w.WriteNumberValue(t.IsAlive ? 1 : 0);
                w.WriteNumberValue(t.Reload);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("s");
            foreach (ref readonly var s in state.Shells)
            {
                w.WriteStartArray();
                w.WriteNumberValue(s.Id);
                w.WriteNumberValue(s.Owner);
                w.WriteNumberValue(s.X);
                w.WriteNumberValue(s.Y);
                w.WriteNumberValue(s.Angle);
                w.WriteNumberValue(s.Speed);
                w.WriteNumberValue(s.SpawnTick);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The SSE <c>end</c> event: winner (-1 draw or unknown), reason, ticks, each player's outcome.</summary>
    public static byte[] EndEvent(BattleSummary? summary, string reason)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write("event: end\ndata: "u8);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("winner", summary?.WinnerTeam ?? -1);
            w.WriteString("reason", summary?.Reason ?? reason);
            w.WriteNumber("ticks", summary?.Ticks ?? 0);
            w.WriteStartArray("players");
            foreach (var p in summary?.Players ?? [])
            {
                w.WriteStartObject();
                w.WriteNumber("userId", p.UserId);
                w.WriteNumber("team", p.Team);
                w.WriteNumber("kills", p.Kills);
                w.WriteNumber("damageDealt", p.DamageDealt);
                w.WriteNumber("damageReceived", p.DamageReceived);
                w.WriteNumber("shots", p.Shots);
                w.WriteNumber("hits", p.Hits);
                w.WriteBoolean("survived", p.Survived);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An SSE comment: keeps idle proxies from closing a stream while a battle pauses (a resume, a migration).</summary>
    public static readonly byte[] KeepAlive = Encoding.ASCII.GetBytes(": keep-alive\n\n");

    public static void WritePlayers(Utf8JsonWriter w, BattleAssignment assignment)
    {
        w.WriteStartArray("players");
        foreach (var p in assignment.Players.OrderBy(p => p.Slot))
        {
            w.WriteStartObject();
            w.WriteNumber("tankId", p.Slot);
            w.WriteNumber("userId", p.UserId);
            w.WriteString("name", p.UserName);
            w.WriteNumber("team", p.Team);
            w.WriteString("class", p.TankClass);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>The map as the Game library's JSON (camelCase: width, height, obstacles, spawns, base), or null for an unknown map.</summary>
    public static void WriteMap(Utf8JsonWriter w, string mapId)
    {
        MapDefinition map;
        try
        {
            map = BuiltInMaps.Load(mapId);
        }
        catch (ArgumentException)
        {
            w.WriteNull("map");
            return;
        }

        w.WritePropertyName("map");
        w.WriteRawValue(GameJson.ToJson(map));
    }

    /// <summary>The tank classes by class id (name, hit points, hull radius in metres): the page's bars and sizes.</summary>
    public static void WriteClasses(Utf8JsonWriter w)
    {
        w.WriteStartArray("classes");
        foreach (var c in TankClasses.All())
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteNumber("hitPoints", c.HitPoints);
            w.WriteNumber("radius", c.Radius);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
