namespace Tanks.Game;

/// <summary>
/// One battle: a fixed-step, deterministic simulation. Construct it from a <see cref="BattleSetup"/> (optionally with
/// pooled <see cref="Tank"/> objects), call <see cref="Step"/> once per tick with one <see cref="TankInput"/> per tank
/// (index = tank id), then read <see cref="Events"/>, <see cref="Result"/> and the world state
/// (<see cref="Header"/>, <see cref="WriteTanks"/>, <see cref="WriteShells"/>). Nothing on the tick path allocates.
/// </summary>
public sealed partial class Battle
{
    /// <summary>Obstacles and map edges never let a tank overlap them by more than this (metres); tanks likewise.</summary>
    public const float OverlapTolerance = MotionWorld.OverlapTolerance;

    private readonly Tank[] _tanks;
    private readonly ClassStats[] _classes;
    private readonly MotionWorld _world;
    private readonly Shell[] _shells;
    private readonly BattleEvent[] _events;
    private readonly bool[] _fire;
    private readonly float[] _startX;
    private readonly float[] _startY;
    private readonly bool[] _blocked;
    private readonly float _width;
    private readonly float _height;
    private readonly float _minRadius;
    private readonly float _baseX;
    private readonly float _baseY;
    private readonly float _baseRadius;
    private readonly float[] _capture = new float[2];
    private readonly int[] _captureReported = new int[2];
    private DeterministicRandom _random;
    private int _shellCount;
    private int _eventCount;
    private uint _nextShellId = 1;
    private int _tick;
    private BattleResult _result;

    public Battle(BattleSetup setup, Tank[]? tanks = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        setup.Map.Validate();
        setup.Rules.Validate();
        if (setup.TickRate is < 1 or > 240)
        {
            throw new ArgumentException("tick rate must be in 1..240", nameof(setup));
        }
        if (setup.Classes is null || setup.Classes.Length == 0)
        {
            throw new ArgumentException("at least one tank class is required", nameof(setup));
        }
        foreach (var c in setup.Classes)
        {
            c.Validate();
        }
        var players = setup.Players ?? throw new ArgumentException("players are required", nameof(setup));
        Span<int> teamSizes = stackalloc int[2];
        foreach (var p in players)
        {
            if (p.Team is < 0 or > 1 || p.ClassId < 0 || p.ClassId >= setup.Classes.Length)
            {
                throw new ArgumentException($"bad player slot {p}", nameof(setup));
            }
            teamSizes[p.Team]++;
        }
        if (teamSizes[0] < 1 || teamSizes[1] < 1 || teamSizes[0] > setup.Rules.MaxTeamSize || teamSizes[1] > setup.Rules.MaxTeamSize)
        {
            throw new ArgumentException($"each team needs 1..{setup.Rules.MaxTeamSize} players", nameof(setup));
        }
        if (tanks is not null && tanks.Length != players.Length)
        {
            throw new ArgumentException("pass exactly one pooled tank per player", nameof(tanks));
        }

        Setup = setup;
        Map = setup.Map;
        Rules = setup.Rules;
        TickRate = setup.TickRate;
        Dt = 1f / TickRate;
        TimeLimitTicks = checked((int)MathF.Ceiling(Rules.TimeLimitSeconds * TickRate));
        _random = new DeterministicRandom(setup.Seed);
        _width = Map.Width;
        _height = Map.Height;
        _baseX = Map.Base.X;
        _baseY = Map.Base.Y;
        _baseRadius = Map.Base.Radius;

        _classes = new ClassStats[setup.Classes.Length];
        for (var i = 0; i < _classes.Length; i++)
        {
            _classes[i] = new ClassStats(setup.Classes[i], TickRate);
        }
        _world = new MotionWorld(Map);

        _tanks = tanks ?? new Tank[players.Length];
        var shellCapacity = 0;
        _minRadius = float.MaxValue;
        for (var i = 0; i < players.Length; i++)
        {
            _tanks[i] ??= new Tank();
            var c = _classes[players[i].ClassId];
            shellCapacity += c.MaxShellsInFlight;
            _minRadius = MathF.Min(_minRadius, c.Radius);
        }
        _shells = new Shell[shellCapacity];
        // Per tick: one shot per tank, one end (hit or stop) per shell, one death per tank, one spotted-or-lost per tank,
        // four capture changes, one end.
        _events = new BattleEvent[3 * players.Length + shellCapacity + 8];
        _fire = new bool[players.Length];
        _startX = new float[players.Length];
        _startY = new float[players.Length];
        _blocked = new bool[players.Length];
        Spawn(players);
        InitSpotting();
    }

    public BattleSetup Setup { get; }
    public MapDefinition Map { get; }
    public BattleRules Rules { get; }
    public int TickRate { get; }
    /// <summary>Seconds per tick.</summary>
    public float Dt { get; }
    public int TimeLimitTicks { get; }
    /// <summary>Ticks simulated so far (0 before the first <see cref="Step"/>).</summary>
    public int Tick => _tick;
    public int TicksLeft => Math.Max(0, TimeLimitTicks - _tick);
    public float TimeLeftSeconds => TicksLeft / (float)TickRate;
    public BattleResult Result => _result;
    public bool IsOver => _result.IsOver;
    /// <summary>The tanks, index = tank id.</summary>
    public ReadOnlySpan<Tank> Tanks => _tanks;
    /// <summary>The shells in flight (order is not stable across ticks; use <see cref="Shell.Id"/>).</summary>
    public ReadOnlySpan<Shell> Shells => _shells.AsSpan(0, _shellCount);
    /// <summary>The most shells that can ever be in flight at once (size buffers for <see cref="WriteShells"/> with it).</summary>
    public int ShellCapacity => _shells.Length;
    /// <summary>What happened during the last <see cref="Step"/>; overwritten by the next one.</summary>
    public ReadOnlySpan<BattleEvent> Events => _events.AsSpan(0, _eventCount);
    /// <summary>A team's capture progress, 0..<see cref="BattleRules.CapturePoints"/>.</summary>
    public float CaptureProgress(int team) => _capture[team];
    /// <summary>The seeded generator's state (part of the deterministic state).</summary>
    public ulong RandomState => _random.State;

    /// <summary>The tanks of a team that are still alive.</summary>
    public int AliveCount(int team)
    {
        var n = 0;
        foreach (var t in _tanks)
        {
            if (t.IsAlive && t.Team == team)
            {
                n++;
            }
        }
        return n;
    }

    private void Spawn(PlayerSlot[] players)
    {
        var maxRadius = 0f;
        foreach (var c in _classes)
        {
            maxRadius = MathF.Max(maxRadius, c.Radius);
        }
        var jitter = Rules.SpawnJitter;
        var spacing = 2 * maxRadius + 2 * jitter + 1f;
        Span<int> nextSlot = stackalloc int[2];
        for (var i = 0; i < players.Length; i++)
        {
            var p = players[i];
            var zone = Map.Spawns[p.Team];
            var c = _classes[p.ClassId];
            var cols = 1 + (int)(2 * zone.HalfWidth / spacing);
            var rows = 1 + (int)(2 * zone.HalfHeight / spacing);
            var facing = GameMath.WrapAngle(zone.FacingDegrees * GameMath.DegToRad);
            var placed = false;
            while (!placed && nextSlot[p.Team] < cols * rows)
            {
                var slot = nextSlot[p.Team]++;
                var x = zone.X - (cols - 1) * spacing / 2 + slot % cols * spacing;
                var y = zone.Y - (rows - 1) * spacing / 2 + slot / cols * spacing;
                var jx = x + jitter * _random.NextSigned();
                var jy = y + jitter * _random.NextSigned();
                _tanks[i].Reset(i, p.Team, p.ClassId, p.PlayerId, c.Radius, c.HitPoints, jx, jy, facing);
                if (_world.IsFree(new BattleBodies(_tanks), i, jx, jy, c.Radius, i))
                {
                    placed = true;
                }
                else if (_world.IsFree(new BattleBodies(_tanks), i, x, y, c.Radius, i))
                {
                    _tanks[i].X = x;
                    _tanks[i].Y = y;
                    placed = true;
                }
            }
            if (!placed)
            {
                throw new ArgumentException($"map {Map.Name}: spawn zone of team {p.Team} has no free place for tank {i}");
            }
        }
    }

    /// <summary>Test hook: puts a tank somewhere (unchecked), at rest.</summary>
    internal void Place(int id, float x, float y, float hullAngle)
    {
        var t = _tanks[id];
        t.X = x;
        t.Y = y;
        t.HullAngle = GameMath.WrapAngle(hullAngle);
        t.TurretAngle = t.HullAngle;
        t.Speed = 0;
        t.VelocityX = 0;
        t.VelocityY = 0;
    }

    private void AddEvent(BattleEventKind kind, int tank, int target, int team, uint shellId, int amount, float x, float y, float angle = 0f, byte seenBy = 0b11)
    {
        if (_eventCount == _events.Length)
        {
            // Cannot happen: the buffer is sized for the worst case of one tick.
            throw new InvalidOperationException("event buffer overflow");
        }
        _events[_eventCount++] = new BattleEvent(kind, _tick, tank, target, team, shellId, amount, x, y, angle, seenBy);
    }

    /// <summary>A class in simulation units: radians, ticks.</summary>
    private readonly struct ClassStats
    {
        public readonly TankMotionStats Motion;
        public readonly float Acceleration;
        public readonly float MaxForwardSpeed;
        public readonly float MaxReverseSpeed;
        public readonly float HullTurnRate;
        public readonly float TurretTraverseRate;
        public readonly float Radius;
        public readonly int HitPoints;
        public readonly int ReloadTicks;
        public readonly float ShellSpeed;
        public readonly int ShellDamage;
        public readonly float ShellRange;
        public readonly float DamageSpread;
        public readonly float Dispersion;
        public readonly int MaxShellsInFlight;
        public readonly float ViewRange;
        public readonly float CamouflageStationary;
        public readonly float CamouflageMoving;
        public readonly float CamouflageFiring;

        public ClassStats(TankClass c, int tickRate)
        {
            Motion = new TankMotionStats(c);
            Acceleration = c.Acceleration;
            MaxForwardSpeed = c.MaxForwardSpeed;
            MaxReverseSpeed = c.MaxReverseSpeed;
            HullTurnRate = c.HullTurnDegreesPerSecond * GameMath.DegToRad;
            TurretTraverseRate = c.TurretTraverseDegreesPerSecond * GameMath.DegToRad;
            Radius = c.Radius;
            HitPoints = c.HitPoints;
            ReloadTicks = Math.Max(1, (int)MathF.Ceiling(c.ReloadSeconds * tickRate));
            ShellSpeed = c.ShellSpeed;
            ShellDamage = c.ShellDamage;
            ShellRange = c.ShellRange;
            DamageSpread = c.DamageSpread;
            Dispersion = c.DispersionDegrees * GameMath.DegToRad;
            var lifetimeTicks = (int)MathF.Ceiling(c.ShellRange / (c.ShellSpeed / tickRate)) + 1;
            MaxShellsInFlight = lifetimeTicks / ReloadTicks + 2;
            ViewRange = c.ViewRange;
            CamouflageStationary = c.CamouflageStationary;
            CamouflageMoving = c.CamouflageMoving;
            CamouflageFiring = c.CamouflageFiring;
        }
    }

    /// <summary>The battle's tanks as <see cref="TankMotion"/> sees them: index = tank id, wrecks included.</summary>
    private readonly struct BattleBodies(Tank[] tanks) : ITankBodies
    {
        public int Count => tanks.Length;

        public ref TankBody this[int index] => ref tanks[index].Body;
    }
}
