namespace Tanks.Game;

public sealed partial class Battle
{
    /// <summary>
    /// Advances the battle by one tick. <paramref name="inputs"/>[i] drives tank i; missing entries (a shorter span) mean
    /// "no input" (stand still, keep the turret, hold fire). Inputs are sanitized. After the battle has ended this only
    /// clears <see cref="Events"/>.
    /// </summary>
    public void Step(ReadOnlySpan<TankInput> inputs)
    {
        if (inputs.Length > _tanks.Length)
        {
            throw new ArgumentException("more inputs than tanks", nameof(inputs));
        }
        _eventCount = 0;
        if (_result.IsOver)
        {
            return;
        }
        _tick++;
        var dt = Dt;

        // 1. Controls: hull turn (carrying the turret), turret traverse, speed, reload.
        for (var i = 0; i < _tanks.Length; i++)
        {
            var t = _tanks[i];
            _fire[i] = false;
            if (!t.IsAlive)
            {
                continue;
            }
            ref readonly var c = ref _classes[t.ClassId];
            var input = i < inputs.Length
                ? inputs[i].Sanitized()
                : new TankInput(0, 0, t.TurretAngle, false);
            TankMotion.ApplyControls(ref t.Body, in c.Motion, in input, dt);
            if (t.ReloadTicksLeft > 0)
            {
                t.ReloadTicksLeft--;
            }
            _fire[i] = input.Fire;
        }

        // 2. Movement with collisions; 3. firing; 4. shells; 5. capture; spotting; 6. end of battle.
        MoveTanks(dt);
        for (var i = 0; i < _tanks.Length; i++)
        {
            var t = _tanks[i];
            if (_fire[i] && t.IsAlive && t.ReloadTicksLeft == 0)
            {
                Fire(t);
                _lastFiredTick[i] = _tick;
            }
        }
        AdvanceShells(dt);
        UpdateCapture(dt);
        UpdateSpotting(raiseEvents: true);
        CheckEnd();
    }

    private void MoveTanks(float dt)
    {
        // The same code a client runs to predict its own tank (TankMotion, MotionWorld).
        var bodies = new BattleBodies(_tanks);
        var subSteps = TankMotion.SubSteps(bodies, dt, _minRadius);
        TankMotion.Move(_world, bodies, dt, subSteps, _startX, _startY, _blocked);
    }
}
