using System.Buffers;
using System.Text;
using System.Text.Json;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.Silo.Viewer;

/// <summary>
/// The viewer's wire: compact JSON that the page's script reads (Silo/Viewer/Assets/viewer.js), written with
/// <see cref="Utf8JsonWriter"/> once per frame and shared by every browser watching the battle. Units as in the
/// snapshot (<see cref="QuantizedTank"/>, <see cref="QuantizedShell"/>): centimetres, angles 0..65535 = 0..2π, so the
/// server only copies integers.
/// </summary>
public static class ViewerJson
{
    /// <summary>
    /// One SSE <c>frame</c> event: <c>{"t":tick,"e":epoch,"l":ticksLeft,"c":[cap0,cap1],"w":winner,"r":reason,
    /// "k":[[id,team,class,x,y,hull,turret,hp,alive,reload,seenBy],…],"s":[[id,owner,x,y,angle,speed,spawnTick,seenBy],…],
    /// "v":[event,…],"vd":eventsDropped}</c>; <c>v</c> holds the battle's own events (<see cref="WriteEvent"/>) of every
    /// tick since the previous frame sent, oldest first. <c>seenBy</c>: bit t set = team t sees it (3 without spotting).
    /// </summary>
    public static byte[] FrameEvent(WorldState state, int epoch, IReadOnlyList<TickEvent> events, int eventsDropped)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + state.Tanks.Length * 48 + state.Shells.Length * 48 + events.Count * 96);
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
            var tankSeenBy = state.TankSeenBy;
            for (var i = 0; i < state.Tanks.Length; i++)
            {
                ref readonly var t = ref state.Tanks[i];
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
                w.WriteNumberValue(tankSeenBy[i]);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("s");
            var shellSeenBy = state.ShellSeenBy;
            for (var i = 0; i < state.Shells.Length; i++)
            {
                ref readonly var s = ref state.Shells[i];
                w.WriteStartArray();
                w.WriteNumberValue(s.Id);
                w.WriteNumberValue(s.Owner);
                w.WriteNumberValue(s.X);
                w.WriteNumberValue(s.Y);
                w.WriteNumberValue(s.Angle);
                w.WriteNumberValue(s.Speed);
                w.WriteNumberValue(s.SpawnTick);
                w.WriteNumberValue(shellSeenBy[i]);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("v");
            foreach (var e in events)
            {
                WriteEvent(w, e);
            }

            w.WriteEndArray();
            w.WriteNumber("vd", eventsDropped);
            w.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One battle event as the <c>BattleEvents</c> message carries it (docs/protocol.md): <c>{"k":kind,"t":tick,…}</c> with
    /// kind <c>shot</c> (shooter, shell, x, y, angle, speed: the launch record), <c>hit</c> (shell, target, damage, shooter,
    /// x, y: the impact), <c>destroyed</c> (target, killer), <c>capture</c> (team, progress) or <c>stopped</c> (shell,
    /// shooter, x, y, reason <c>obstacle</c>|<c>edge</c>|<c>range</c>), <c>spotted</c> (team, tank, spotter: -1 for none, x, y:
    /// team now sees tank there) or <c>lost</c> (team, tank, x, y: team lost sight of tank, last seen there). Units as the
    /// wire: cm, u16 angles, dm/s.
    /// </summary>
    public static void WriteEvent(Utf8JsonWriter w, in TickEvent te)
    {
        var e = te.Event;
        w.WriteStartObject();
        switch (e.Kind)
        {
            case WireEventKind.Shot:
                w.WriteString("k", "shot");
                w.WriteNumber("t", te.Tick);
                w.WriteNumber("shooter", e.Shooter);
                w.WriteNumber("shell", e.ShellId);
                w.WriteNumber("x", e.X);
                w.WriteNumber("y", e.Y);
                w.WriteNumber("angle", e.Angle);
                w.WriteNumber("speed", e.Speed);
                break;
            case WireEventKind.Hit:
                w.WriteString("k", "hit");
                w.WriteNumber("t", te.Tick);
                w.WriteNumber("shell", e.ShellId);
                w.WriteNumber("target", e.Target);
                w.WriteNumber("damage", e.Damage);
                w.WriteNumber("shooter", e.Shooter);
                w.WriteNumber("x", e.X);
                w.WriteNumber("y", e.Y);
                break;
            case WireEventKind.Destroyed:
                w.WriteString("k", "destroyed");
                w.WriteNumber("t", te.Tick);
                w.WriteNumber("target", e.Target);
                w.WriteNumber("killer", e.Shooter);
                break;
            case WireEventKind.CaptureProgress:
                w.WriteString("k", "capture");
                w.WriteNumber("t", te.Tick);
                w.WriteNumber("team", e.Team);
                w.WriteNumber("progress", e.Progress);
                break;
            case WireEventKind.Spotted or WireEventKind.Lost:
                w.WriteString("k", e.Kind == WireEventKind.Spotted ? "spotted" : "lost");
                w.WriteNumber("t", te.Tick);
                w.WriteNumber("team", e.Team);
                w.WriteNumber("tank", e.Target);
                if (e.Kind == WireEventKind.Spotted)
                {
                    w.WriteNumber("spotter", e.Shooter == 0xFFFF ? -1 : e.Shooter);
                }

                w.WriteNumber("x", e.X);
                w.WriteNumber("y", e.Y);
                break;
            default:
                w.WriteString("k", "stopped");
                w.WriteNumber("t", te.Tick);
                w.WriteNumber("shell", e.ShellId);
                w.WriteNumber("shooter", e.Shooter);
                w.WriteNumber("x", e.X);
                w.WriteNumber("y", e.Y);
                w.WriteString("reason", e.Reason switch
                {
                    ShellStopCode.Obstacle => "obstacle",
                    ShellStopCode.MapEdge => "edge",
                    _ => "range",
                });
                break;
        }

        w.WriteEndObject();
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

    /// <summary>
    /// The battle's definition as clients get it (<c>BattleDefinition</c> messages, docs/protocol.md): <c>definitionHash</c>
    /// (16 hex digits, the wire's 8 bytes in order), <c>rules</c>, the tank <c>classes</c> by class id and the <c>map</c>
    /// (width, height, obstacles, spawns, base, in the Game library's JSON names and units: metres, degrees). Nulls and no
    /// classes when the battle has no definition (over).
    /// </summary>
    public static void WriteDefinition(Utf8JsonWriter w, ulong hash, BattleDefinition? d)
    {
        if (d is null)
        {
            w.WriteNull("definitionHash");
            w.WriteNull("rules");
            w.WriteStartArray("classes");
            w.WriteEndArray();
            w.WriteNull("map");
            return;
        }

        Span<byte> wire = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(wire, hash);
        w.WriteString("definitionHash", Convert.ToHexStringLower(wire));

        var r = d.Rules;
        w.WriteStartObject("rules");
        w.WriteNumber("tickRate", r.TickRate);
        w.WriteNumber("timeLimitSeconds", r.TimeLimitSeconds);
        w.WriteNumber("capturePoints", r.CapturePoints);
        w.WriteNumber("capturePointsPerTankPerSecond", r.CapturePointsPerTankPerSecond);
        w.WriteNumber("maxCapturingTanks", r.MaxCapturingTanks);
        w.WriteNumber("captureDecayPerSecond", r.CaptureDecayPerSecond);
        w.WriteBoolean("friendlyFire", r.FriendlyFire);
        w.WriteBoolean("resetCaptureOnDamage", r.ResetCaptureOnDamage);
        w.WriteEndObject();

        w.WriteStartArray("classes");
        foreach (var c in d.Classes)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteNumber("hitPoints", c.HitPoints);
            w.WriteNumber("radius", c.Radius);
            w.WriteNumber("reloadSeconds", c.ReloadSeconds);
            w.WriteNumber("shellSpeed", c.ShellSpeed);
            w.WriteNumber("shellDamage", c.ShellDamage);
            w.WriteNumber("shellRange", c.ShellRange);
            w.WriteNumber("maxForwardSpeed", c.MaxForwardSpeed);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartObject("map");
        w.WriteString("name", d.MapName);
        w.WriteNumber("width", d.Width);
        w.WriteNumber("height", d.Height);
        w.WriteStartArray("obstacles");
        foreach (var o in d.Obstacles)
        {
            w.WriteStartObject();
            if (o.Shape == DefinitionObstacleShape.Circle)
            {
                w.WriteString("shape", "circle");
                w.WriteNumber("x", o.X);
                w.WriteNumber("y", o.Y);
                w.WriteNumber("radius", o.Radius);
            }
            else
            {
                w.WriteString("shape", "box");
                w.WriteNumber("x", o.X);
                w.WriteNumber("y", o.Y);
                w.WriteNumber("halfWidth", o.HalfWidth);
                w.WriteNumber("halfHeight", o.HalfHeight);
                w.WriteNumber("angleDegrees", o.AngleDegrees);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("spawns");
        foreach (var s in new[] { d.Spawn0, d.Spawn1 })
        {
            w.WriteStartObject();
            w.WriteNumber("x", s.X);
            w.WriteNumber("y", s.Y);
            w.WriteNumber("halfWidth", s.HalfWidth);
            w.WriteNumber("halfHeight", s.HalfHeight);
            w.WriteNumber("facingDegrees", s.FacingDegrees);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("base");
        w.WriteNumber("x", d.Base.X);
        w.WriteNumber("y", d.Base.Y);
        w.WriteNumber("radius", d.Base.Radius);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}

/// <summary>A battle event and the tick of its <c>BattleEvents</c> message.</summary>
public readonly record struct TickEvent(uint Tick, WireEvent Event);
