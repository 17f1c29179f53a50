using System.Diagnostics;
using Tanks.Client.Game;
using Tanks.Game;
using Tanks.Protocol.Game;
using Tanks.Protocol.Netcode;
using Tanks.Protocol.Snapshots;

namespace Tanks.Bandwidth;

/// <summary>
/// Drives 7v7 battles on the built-in map (seeded bots: every tank drives, turns and fires whenever loaded at an enemy),
/// quantizes every tick the way the SessionGrain does, and sends it to 14 simulated clients: each one's snapshots are
/// delta-encoded against its newest ack, travel with RTT/2 delay and random loss, are decoded by a real
/// <see cref="SnapshotReceiver"/> (checked against what the server sent), and acked back through <c>Input</c> messages
/// that travel the same way. Alongside, the same states as full snapshots. A battle that ends early is followed by a
/// new one until the requested game time has run. With spotting (the default; <c>--spotting off</c> for the old figures)
/// each client gets its team's view as the gateway builds it (<see cref="WorldState.CopyTeamView"/>, a history per team)
/// and its team's events.
/// </summary>
internal sealed class BandwidthRun(BandwidthOptions options)
{
    private const int Players = 14;
    private const int NetcodeOverhead = 1 + NetcodeConstants.MacBytes; // prefix + MAC; the sequence bytes are counted per packet
    private const int IpUdpOverhead = 28;

    public BandwidthReport Run()
    {
        var report = new BandwidthReport(options);
        var rng = new Random((int)options.Seed);
        var totalTicks = (int)Math.Round(options.Seconds * options.TickRate);
        var tickMs = 1000.0 / options.TickRate;
        SnapshotHistory[] histories = [new(), new()];
        var view = new WorldState();
        var stored = new WorldState[2];
        var eventBytes = new int[2];
        var encoder = new SnapshotEncoder();
        var fullEncoder = new SnapshotEncoder();
        var clients = new ClientSim[Players];
        for (var i = 0; i < Players; i++)
        {
            clients[i] = new ClientSim();
        }
        var tanks = new TankSnapshot[Players];
        var hulls = new float[Players];
        var current = new WorldState();
        var previous = new WorldState();
        byte[][] events = [new byte[GameProtocol.MaxMessageBytes], new byte[GameProtocol.MaxMessageBytes]];
        var input = new byte[InputMessage.Size];
        var encodeTime = new Stopwatch();
        var battleIndex = 0;
        var tick = 0;

        while (tick < totalTicks)
        {
            var battle = NewBattle(options.Seed + (ulong)battleIndex++);
            var shells = new ShellSnapshot[battle.ShellCapacity];
            var bots = new Bots(battle, options.Seed);
            histories[0].Clear();
            histories[1].Clear();
            previous.Clear(default);
            foreach (var c in clients)
            {
                c.NewBattle();
            }
            report.Battles++;

            while (tick < totalTicks && !battle.IsOver)
            {
                battle.Step(bots.Next());
                tick++;
                var now = tick * tickMs;

                // SessionGrain: quantize the tick (shells keep their launch record from the previous state).
                Quantize(battle, tanks, battle.Tick > 1 ? hulls : null, shells, previous, current);
                for (var i = 0; i < Players; i++)
                {
                    hulls[i] = tanks[i].HullAngle;
                }
                for (var team = 0; team < 2; team++)
                {
                    view.CopyTeamView(current, team);
                    stored[team] = histories[team].Store(view);
                    eventBytes[team] = WriteEvents(battle, events[team], team);
                }
                previous.CopyFrom(current);
                report.AliveTankTicks += battle.AliveCount(0) + battle.AliveCount(1);
                report.ShellTicks += current.Shells.Length;
                for (var ci = 0; ci < Players; ci++)
                {
                    var c = clients[ci];
                    var team = ci / 7;
                    var history = histories[team];
                    // Gateway: acks that have arrived, then encode against the newest.
                    foreach (var ack in c.Up.Deliver(now))
                    {
                        InputMessage.TryRead(ack, out var message);
                        c.Ack.Acknowledge(message.LastSnapshotTick);
                    }
                    encodeTime.Start();
                    var delta = encoder.Encode(stored[team], history, c.Ack);
                    encodeTime.Stop();
                    report.Encodes++;
                    report.FullInDeltaMode += delta.IsFull ? 1 : 0;
                    report.BaselineAgeSum += delta.BaselineAge;
                    for (var p = 0; p < delta.PartCount; p++)
                    {
                        report.DeltaDown.Add(delta.Part(p).Length, c.NextDownSequence());
                        c.Down.Send(now, options.RttMs / 2, delta.Part(p), rng, options.Loss);
                    }
                    var full = fullEncoder.Encode(stored[team], null);
                    for (var p = 0; p < full.PartCount; p++)
                    {
                        report.FullDown.Add(full.Part(p).Length, c.FullSequence++);
                    }
                    if (eventBytes[team] > 0)
                    {
                        report.EventsDown.Add(eventBytes[team], c.NextDownSequence());
                    }

                    // Client: decode what arrived (checked against the server's state of that tick), send an input.
                    foreach (var payload in c.Down.Deliver(now))
                    {
                        var result = c.Receiver.Receive(payload);
                        if (result == SnapshotReadResult.Ok)
                        {
                            report.Decoded++;
                            c.Receiver.TryGetState(c.Receiver.LastDecodedTick, out var got);
                            if (!history.TryGet(got.Tick, out var sent) || !sent.ContentEquals(got))
                            {
                                report.Mismatches++;
                            }
                        }
                        else if (result != SnapshotReadResult.Incomplete)
                        {
                            report.Dropped++;
                        }
                    }
                    var n = new InputMessage(c.InputSequence++, 100, -20, 1234, InputButtons.Fire, c.Receiver.AckTick).WriteTo(input);
                    report.InputUp.Add(n, c.InputSequence);
                    // The client's frame is not aligned with the server's tick: its input leaves up to one tick later.
                    c.Up.Send(now + rng.NextDouble() * tickMs, options.RttMs / 2, input.AsSpan(0, n), rng, options.Loss);
                }
            }
        }
        report.Ticks = tick;
        report.EncodeNanoseconds = encodeTime.Elapsed.TotalNanoseconds;
        return report;
    }

    private Battle NewBattle(ulong seed)
    {
        var players = new PlayerSlot[Players];
        for (var i = 0; i < Players; i++)
        {
            players[i] = new PlayerSlot(i / 7, i % 3, 1000 + i);
        }
        return new Battle(new BattleSetup(BuiltInMaps.Crossroads, players, seed)
        {
            TickRate = options.TickRate,
            Rules = BattleRules.Default with { Spotting = options.Spotting },
        });
    }

    /// <summary>What the SessionGrain does each tick: Game state → quantized world state.</summary>
    internal static void Quantize(
        Battle battle, TankSnapshot[] tanks, float[]? previousHulls, ShellSnapshot[] shells, WorldState previous, WorldState into)
    {
        var h = battle.Header;
        var result = h.Result;
        into.Clear(SnapshotQuantizer.Header(
            h.Tick, h.TicksLeft, h.CaptureProgressTeam0, h.CaptureProgressTeam1, result.IsOver ? result.Winner : -1, (int)result.Reason));
        var tankCount = battle.WriteTanks(tanks);
        for (var i = 0; i < tankCount; i++)
        {
            var t = tanks[i];
            // Turn rate: the hull's change since the previous tick (the grain keeps last tick's hull angles).
            var turn = previousHulls is null ? 0f : WrapAngle(t.HullAngle - previousHulls[i]) * battle.TickRate;
            into.TryAddTank(SnapshotQuantizer.Tank(t.Id, t.Team, t.ClassId, t.X, t.Y, t.HullAngle, t.TurretAngle, t.HitPoints, t.IsAlive, t.ReloadTicksLeft,
                t.VelocityX, t.VelocityY, turn, battle.TickRate), 0, battle.VisibleTo(i));
        }
        var shellCount = battle.WriteShells(shells);
        var classes = battle.Setup.Classes;
        for (var i = 0; i < shellCount; i++)
        {
            var s = shells[i];
            var speed = classes[tanks[s.Owner].ClassId].ShellSpeed;
            // WriteShells keeps the order of battle.Shells, so index i is the same shell.
            into.TryAddShell(SnapshotQuantizer.Shell(s.Id, s.Owner, s.X, s.Y, s.Angle, speed, h.Tick, previous), battle.Shells[i].SeenBy);
        }
    }

    private static float WrapAngle(float radians) =>
        radians > MathF.PI ? radians - 2 * MathF.PI : radians <= -MathF.PI ? radians + 2 * MathF.PI : radians;

    /// <summary>The tick's events as one BattleEvents message (0 bytes if there were none worth sending), as the SessionGrain writes them.</summary>
    private static int WriteEvents(Battle battle, Span<byte> destination, int team)
    {
        var writer = new BattleEventsWriter(destination, (uint)battle.Tick);
        var classes = battle.Setup.Classes;
        foreach (ref readonly var e in battle.Events)
        {
            if ((e.SeenBy >> team & 1) == 0)
            {
                continue; // not this team's to know (spotting)
            }
            var wire = e.Kind switch
            {
                BattleEventKind.ShotFired => WireEvent.Shot(
                    (ushort)e.Tank, e.ShellId, SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y), SnapshotQuantizer.Angle(e.Angle),
                    SnapshotQuantizer.Speed(classes[battle.Tanks[e.Tank].ClassId].ShellSpeed)),
                BattleEventKind.Hit => WireEvent.Hit(
                    e.ShellId, (ushort)e.Target, (ushort)e.Amount, (ushort)e.Tank, SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y)),
                BattleEventKind.ShellStopped => WireEvent.ShellStopped(
                    e.ShellId, (ushort)e.Tank, SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y), (ShellStopCode)Math.Clamp(e.Amount, 1, 3)),
                BattleEventKind.TankDestroyed => WireEvent.Destroyed((ushort)e.Target, (ushort)e.Tank),
                BattleEventKind.CaptureProgress => WireEvent.Capture((byte)e.Team, (byte)Math.Clamp(e.Amount, 0, 100)),
                BattleEventKind.Spotted or BattleEventKind.Lost => WireEvent.Spotting(
                    e.Kind == BattleEventKind.Spotted ? WireEventKind.Spotted : WireEventKind.Lost, (ushort)e.Tank,
                    e.Target < 0 ? ushort.MaxValue : (ushort)e.Target, (byte)e.Team, SnapshotQuantizer.Position(e.X), SnapshotQuantizer.Position(e.Y)),
                _ => default,
            };
            if (wire.Kind != 0)
            {
                writer.TryAdd(wire);
            }
        }
        return writer.Count > 0 ? writer.Finish() : 0;
    }

    private sealed class ClientSim
    {
        public readonly SnapshotReceiver Receiver = new();
        public readonly DelayedChannel Down = new();
        public readonly DelayedChannel Up = new();
        public SnapshotAck Ack;
        public uint InputSequence;
        public ulong FullSequence;
        private ulong _downSequence;

        public ulong NextDownSequence() => _downSequence++;

        public void NewBattle()
        {
            Receiver.Reset();
            Ack.Reset();
            Down.Clear();
            Up.Clear();
        }
    }

    /// <summary>A one-way link: fixed delay, random loss, delivery in arrival order.</summary>
    private sealed class DelayedChannel
    {
        private readonly List<(double Due, byte[] Bytes)> _inFlight = [];
        private readonly List<byte[]> _due = [];

        public void Send(double now, double delayMs, ReadOnlySpan<byte> bytes, Random rng, double loss)
        {
            if (rng.NextDouble() >= loss)
            {
                _inFlight.Add((now + delayMs, bytes.ToArray()));
            }
        }

        public List<byte[]> Deliver(double now)
        {
            _due.Clear();
            _inFlight.Sort((a, b) => a.Due.CompareTo(b.Due));
            var n = 0;
            while (n < _inFlight.Count && _inFlight[n].Due <= now)
            {
                _due.Add(_inFlight[n++].Bytes);
            }
            _inFlight.RemoveRange(0, n);
            return _due;
        }

        public void Clear() => _inFlight.Clear();
    }

    /// <summary>Seeded bots: every tank drives and turns (new throttle/steering every 1.5 s), aims at an enemy and fires whenever loaded.</summary>
    private sealed class Bots(Battle battle, ulong seed)
    {
        private readonly TankInput[] _inputs = new TankInput[Players];
        private readonly float[] _throttle = new float[Players];
        private readonly float[] _steering = new float[Players];
        private readonly DeterministicRandom _random = new(seed ^ 0x5EED);

        public TankInput[] Next()
        {
            var t = battle.Tick;
            var all = battle.Tanks;
            for (var i = 0; i < Players; i++)
            {
                if ((t + i * 5) % 30 == 0)
                {
                    _throttle[i] = (0.4f + 0.6f * _random.NextFloat()) * (_random.NextFloat() < 0.2f ? -1 : 1);
                    _steering[i] = _random.NextSigned();
                }
                var me = all[i];
                var enemy = all[(i < 7 ? 7 : 0) + (i + t / 50) % 7];
                var yaw = MathF.Atan2(enemy.Y - me.Y, enemy.X - me.X);
                _inputs[i] = new TankInput(_throttle[i], _steering[i], yaw, true);
            }
            return _inputs;
        }
    }
}
