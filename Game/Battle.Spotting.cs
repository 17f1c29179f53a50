namespace Tanks.Game;

public sealed partial class Battle
{
    private const int NeverTick = int.MinValue / 2;

    // Per team t and tank i at [t * n + i]: the last tick a tank of team t saw tank i, and where i was on the last tick
    // team t could see it (what its clients drew last).
    private int[] _spottedTick = [];
    private float[] _seenX = [];
    private float[] _seenY = [];
    // Per tank: bit t set when team t may see it this tick; the tick it last fired.
    private byte[] _visibleTo = [];
    private int[] _lastFiredTick = [];
    private int _spotDecayTicks;
    private int _firingCamouflageTicks;

    /// <summary>Teams that may see tank <paramref name="tank"/> after the last tick: bit t = team t. Its own team always,
    /// the enemy while it is spotted (and <see cref="BattleRules.SpotDecaySeconds"/> after); a wreck is seen by both.</summary>
    public byte VisibleTo(int tank) => _visibleTo[tank];

    /// <summary>True when team <paramref name="team"/> may see tank <paramref name="tank"/> after the last tick.</summary>
    public bool IsVisibleTo(int team, int tank) => (_visibleTo[tank] >> team & 1) != 0;

    /// <summary>The last tick a tank of <paramref name="team"/> saw <paramref name="tank"/>, or a negative value for never.</summary>
    public int LastSpottedTick(int team, int tank) => Math.Max(-1, _spottedTick[team * _tanks.Length + tank]);

    private void InitSpotting()
    {
        var n = _tanks.Length;
        _spottedTick = new int[2 * n];
        _seenX = new float[2 * n];
        _seenY = new float[2 * n];
        _visibleTo = new byte[n];
        _lastFiredTick = new int[n];
        _spotDecayTicks = (int)MathF.Ceiling(Rules.SpotDecaySeconds * TickRate);
        _firingCamouflageTicks = (int)MathF.Ceiling(Rules.FiringCamouflageSeconds * TickRate);
        ResetSpotting();
    }

    /// <summary>Forgets every sighting (a restored checkpoint does not carry them) and spots afresh, raising no events.</summary>
    private void ResetSpotting()
    {
        Array.Fill(_spottedTick, NeverTick);
        for (var i = 0; i < _tanks.Length; i++)
        {
            var t = _tanks[i];
            // A loaded gun or an unknown shot time: no firing penalty; otherwise the reload tells when it fired.
            var sinceShot = _classes[t.ClassId].ReloadTicks - t.ReloadTicksLeft;
            _lastFiredTick[i] = t.ReloadTicksLeft > 0 ? _tick - sinceShot : NeverTick;
            _visibleTo[i] = (byte)(1 << t.Team);
        }
        UpdateSpotting(raiseEvents: false);
        for (var s = 0; s < _shellCount; s++)
        {
            ref var shell = ref _shells[s];
            shell.SeenBy = (byte)(1 << shell.Team | _visibleTo[shell.Owner]);
        }
    }

    /// <summary>
    /// Who sees whom after this tick's moves and shots. Team e spots enemy i when an alive tank j of e has i within
    /// viewRange(j) · (1 − camouflage(i)) (never less than <see cref="BattleRules.ProximitySpotRange"/>) and the segment
    /// between their centres crosses no obstacle. Tanks do not block sight. Allocation-free, id order.
    /// </summary>
    private void UpdateSpotting(bool raiseEvents)
    {
        var n = _tanks.Length;
        if (!Rules.Spotting)
        {
            Array.Fill(_visibleTo, (byte)0b11);
            for (var s = 0; s < _shellCount; s++)
            {
                _shells[s].SeenBy = 0b11;
            }
            MarkEventVisibility();
            return;
        }
        var obstacles = _world.Obstacles;
        var proximity = Rules.ProximitySpotRange;
        for (var i = 0; i < n; i++)
        {
            var target = _tanks[i];
            var old = _visibleTo[i];
            if (!target.IsAlive)
            {
                // A wreck is inert and blocks movement for everyone, so everyone gets it (it reveals no living player).
                _visibleTo[i] = 0b11;
                continue;
            }

            var enemy = 1 - target.Team;
            ref readonly var tc = ref _classes[target.ClassId];
            var camouflage = _tick - _lastFiredTick[i] < _firingCamouflageTicks ? tc.CamouflageFiring
                : target.VelocityX * target.VelocityX + target.VelocityY * target.VelocityY > MovingSpeedSquared ? tc.CamouflageMoving
                : tc.CamouflageStationary;
            var spotter = -1;
            for (var j = 0; j < n; j++)
            {
                var s = _tanks[j];
                if (s.Team != enemy || !s.IsAlive)
                {
                    continue;
                }
                var view = _classes[s.ClassId].ViewRange;
                var range = MathF.Max(view * (1f - camouflage), MathF.Min(proximity, view));
                var dx = target.X - s.X;
                var dy = target.Y - s.Y;
                if (dx * dx + dy * dy <= range * range && LineOfSight(obstacles, s.X, s.Y, dx, dy))
                {
                    spotter = j;
                    break;
                }
            }

            var k = enemy * n + i;
            if (spotter >= 0)
            {
                _spottedTick[k] = _tick;
            }
            var visible = _tick - _spottedTick[k] <= _spotDecayTicks;
            var was = (old >> enemy & 1) != 0;
            if (raiseEvents && visible && !was)
            {
                AddEvent(BattleEventKind.Spotted, i, spotter, enemy, 0, 0, target.X, target.Y);
            }
            else if (raiseEvents && !visible && was)
            {
                AddEvent(BattleEventKind.Lost, i, -1, enemy, 0, 0, _seenX[k], _seenY[k]);
            }
            if (visible)
            {
                _seenX[k] = target.X;
                _seenY[k] = target.Y;
            }
            _visibleTo[i] = (byte)(1 << target.Team | (visible ? 1 << enemy : 0));
        }

        // A shell is seen by its own team and by any team that saw the shooter when it fired: its launch point is then
        // no news, and a hidden shooter's shell never gives its position away.
        for (var s = 0; s < _shellCount; s++)
        {
            ref var shell = ref _shells[s];
            if (shell.FiredTick == _tick)
            {
                shell.SeenBy = (byte)(1 << shell.Team | _visibleTo[shell.Owner]);
            }
        }
        MarkEventVisibility();
    }

    /// <summary>Which teams may learn of each of this tick's events, now that this tick's sightings are known.</summary>
    private void MarkEventVisibility()
    {
        for (var k = 0; k < _eventCount; k++)
        {
            ref var e = ref _events[k];
            var seenBy = e.Kind switch
            {
                // The muzzle is where the shooter is: its team, and teams that see it (firing makes that likelier).
                BattleEventKind.ShotFired => (byte)(1 << e.Team | _visibleTo[e.Tank]),
                // The impact point is on the target: only teams that see the target (its own always; a wreck: all).
                BattleEventKind.Hit => _visibleTo[e.Target],
                // As the shell itself; a shell that stopped on the tick it was fired had no mask yet: the same rule.
                BattleEventKind.ShellStopped => e.SeenBy != 0 ? e.SeenBy : (byte)(1 << e.Team | _visibleTo[e.Tank]),
                _ => (byte)0b11,
            };
            e = e with { SeenBy = seenBy };
        }
    }

    /// <summary>Moving means faster than 0.1 m/s (a tank pushed to a stop is stationary).</summary>
    private const float MovingSpeedSquared = 0.01f;

    /// <summary>True when the segment from (x, y) along (dx, dy) touches no obstacle.</summary>
    private static bool LineOfSight(ReadOnlySpan<CompiledObstacle> obstacles, float x, float y, float dx, float dy)
    {
        for (var o = 0; o < obstacles.Length; o++)
        {
            if (SegmentObstacle(in obstacles[o], x, y, dx, dy) <= 1f)
            {
                return false;
            }
        }
        return true;
    }
}
