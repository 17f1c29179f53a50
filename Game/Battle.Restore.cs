using System.Buffers.Binary;

namespace Tanks.Game;

public sealed partial class Battle
{
    /// <summary>
    /// Puts the battle back into a state that <see cref="WriteBinary"/> wrote (a checkpoint): construct it from the same
    /// <see cref="BattleSetup"/> first (map, players, classes), then restore. Afterwards it steps exactly as the battle the
    /// checkpoint came from would have. Returns false (and leaves the battle as it was) when the bytes do not belong to
    /// this setup or are damaged; never throws on bad bytes.
    /// </summary>
    public bool TryRestore(ReadOnlySpan<byte> checkpoint)
    {
        if (!Validate(checkpoint))
        {
            return false;
        }

        var r = new Reader(checkpoint);
        _tick = r.Int();
        _random = DeterministicRandom.FromState(r.ULong());
        _nextShellId = r.UInt();
        _capture[0] = r.Float();
        _capture[1] = r.Float();
        _captureReported[0] = r.Int();
        _captureReported[1] = r.Int();
        var winner = r.Int();
        var reason = (BattleEndReason)r.Int();
        _result = new BattleResult(winner, reason, r.Int());
        r.Int(); // tank count (validated)
        var shells = r.Int();
        foreach (var t in _tanks)
        {
            r.Int(); // id
            r.Int(); // team
            r.Int(); // class
            var hitPoints = r.Int();
            r.Long(); // player
            t.X = r.Float();
            t.Y = r.Float();
            t.HullAngle = r.Float();
            t.TurretAngle = r.Float();
            t.Speed = r.Float();
            t.VelocityX = r.Float();
            t.VelocityY = r.Float();
            t.ReloadTicksLeft = r.Int();
            t.KilledBy = r.Int();
            t.DestroyedTick = r.Int();
            r.Int(); // max hit points (from the class)
            r.Float(); // radius (from the class)
            t.IsAlive = r.Byte() != 0;
            t.HitPoints = hitPoints;
            t.StatsField = new TankStats
            {
                Shots = r.Int(),
                Hits = r.Int(),
                DamageDealt = r.Int(),
                DamageReceived = r.Int(),
                Kills = r.Int(),
                FriendlyDamageDealt = r.Int(),
            };
        }

        Array.Clear(_shells);
        for (var i = 0; i < shells; i++)
        {
            _shells[i] = new Shell
            {
                Id = r.UInt(),
                Owner = r.Int(),
                Team = r.Int(),
                X = r.Float(),
                Y = r.Float(),
                Angle = r.Float(),
                DirX = r.Float(),
                DirY = r.Float(),
                Speed = r.Float(),
                RangeLeft = r.Float(),
                Damage = r.Int(),
                FiredTick = r.Int(),
            };
        }

        _shellCount = shells;
        _eventCount = 0; // events belong to the tick that produced them, not to the state
        ResetSpotting(); // sightings are not checkpointed: spot afresh (decay timers restart)
        return true;
    }

    /// <summary>Checks a checkpoint against this battle's setup without changing anything.</summary>
    private bool Validate(ReadOnlySpan<byte> checkpoint)
    {
        if (checkpoint.Length < HeaderBytes)
        {
            return false;
        }

        var r = new Reader(checkpoint);
        var tick = r.Int();
        r.ULong();
        r.UInt();
        var c0 = r.Float();
        var c1 = r.Float();
        r.Int();
        r.Int();
        var winner = r.Int();
        var reason = r.Int();
        r.Int();
        var tanks = r.Int();
        var shells = r.Int();
        if (tick < 0 || tick > TimeLimitTicks || tanks != _tanks.Length || shells < 0 || shells > _shells.Length
            || winner is < -1 or > 1 || !Enum.IsDefined((BattleEndReason)reason)
            || !float.IsFinite(c0) || !float.IsFinite(c1)
            || checkpoint.Length != HeaderBytes + tanks * TankBytes + shells * ShellBytes)
        {
            return false;
        }

        foreach (var t in _tanks)
        {
            // The checkpoint must be of this battle: same tank ids, teams, classes and players.
            if (r.Int() != t.Id || r.Int() != t.Team || r.Int() != t.ClassId)
            {
                return false;
            }

            var hitPoints = r.Int();
            if (r.Long() != t.PlayerId || hitPoints < 0 || hitPoints > t.MaxHitPoints)
            {
                return false;
            }

            for (var i = 0; i < 7; i++)
            {
                if (!float.IsFinite(r.Float()))
                {
                    return false;
                }
            }

            r.Skip(TankBytes - (4 * 4 + 8 + 4 * 7));
        }

        for (var i = 0; i < shells; i++)
        {
            r.UInt();
            var owner = r.Int();
            var team = r.Int();
            if (owner < 0 || owner >= _tanks.Length || team is < 0 or > 1)
            {
                return false;
            }

            for (var f = 0; f < 7; f++)
            {
                if (!float.IsFinite(r.Float()))
                {
                    return false;
                }
            }

            r.Skip(8);
        }

        return true;
    }

    private ref struct Reader(ReadOnlySpan<byte> buffer)
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private int _position;

        public void Skip(int bytes) => _position += bytes;

        public byte Byte() => _buffer[_position++];

        public int Int()
        {
            var v = BinaryPrimitives.ReadInt32LittleEndian(_buffer[_position..]);
            _position += 4;
            return v;
        }

        public uint UInt()
        {
            var v = BinaryPrimitives.ReadUInt32LittleEndian(_buffer[_position..]);
            _position += 4;
            return v;
        }

        public long Long()
        {
            var v = BinaryPrimitives.ReadInt64LittleEndian(_buffer[_position..]);
            _position += 8;
            return v;
        }

        public ulong ULong()
        {
            var v = BinaryPrimitives.ReadUInt64LittleEndian(_buffer[_position..]);
            _position += 8;
            return v;
        }

        public float Float()
        {
            var v = BinaryPrimitives.ReadSingleLittleEndian(_buffer[_position..]);
            _position += 4;
            return v;
        }
    }
}
