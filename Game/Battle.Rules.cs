namespace Tanks.Game;

public sealed partial class Battle
{
    private bool InBase(Tank t)
    {
        var dx = t.X - _baseX;
        var dy = t.Y - _baseY;
        return dx * dx + dy * dy <= _baseRadius * _baseRadius;
    }

    private void UpdateCapture(float dt)
    {
        Span<int> inside = stackalloc int[2];
        foreach (var t in _tanks)
        {
            if (t.IsAlive && InBase(t))
            {
                inside[t.Team]++;
            }
        }
        for (var team = 0; team < 2; team++)
        {
            var own = inside[team];
            var enemies = inside[1 - team];
            var progress = _capture[team];
            if (own > 0 && enemies == 0)
            {
                var rate = Rules.CapturePointsPerTankPerSecond * Math.Min(own, Rules.MaxCapturingTanks);
                progress = MathF.Min(Rules.CapturePoints, progress + rate * dt);
            }
            else if (own == 0)
            {
                progress = MathF.Max(0f, progress - Rules.CaptureDecayPerSecond * dt);
            }
            // own > 0 && enemies > 0: contested, paused.
            SetCapture(team, progress);
        }
    }

    private void SetCapture(int team, float progress)
    {
        _capture[team] = progress;
        var whole = (int)progress;
        if (whole != _captureReported[team])
        {
            _captureReported[team] = whole;
            AddEvent(BattleEventKind.CaptureProgress, -1, -1, team, 0, whole, _baseX, _baseY);
        }
    }

    private void CheckEnd()
    {
        var alive0 = AliveCount(0);
        var alive1 = AliveCount(1);
        if (alive0 == 0 || alive1 == 0)
        {
            End(alive0 > 0 ? 0 : alive1 > 0 ? 1 : -1, BattleEndReason.Destroyed);
        }
        else if (_capture[0] >= Rules.CapturePoints)
        {
            End(0, BattleEndReason.Captured);
        }
        else if (_capture[1] >= Rules.CapturePoints)
        {
            End(1, BattleEndReason.Captured);
        }
        else if (_tick >= TimeLimitTicks)
        {
            End(-1, BattleEndReason.Time);
        }
    }

    private void End(int winner, BattleEndReason reason)
    {
        _result = new BattleResult(winner, reason, _tick);
        foreach (var t in _tanks)
        {
            t.Speed = 0;
            t.VelocityX = 0;
            t.VelocityY = 0;
        }
        AddEvent(BattleEventKind.BattleEnded, -1, -1, winner, 0, (int)reason, 0, 0);
    }
}
