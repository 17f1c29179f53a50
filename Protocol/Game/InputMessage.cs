namespace Tanks.Protocol.Game;

/// <summary>Buttons of an <see cref="InputMessage"/>; the other bits are reserved and must be zero.</summary>
[Flags]
public enum InputButtons : byte
{
    None = 0,
    Fire = 1,
}

/// <summary>
/// Client → server <c>Input</c> (15 bytes): <c>03 02 sequence:u32 throttle:i8 steering:i8 turretYaw:u16 buttons:u8 ackTick:u32</c>.
/// Throttle and steering are -127..127 (= -1..1; -128 is rejected); turret yaw is the absolute world angle,
/// 0..65535 = 0..2π; <see cref="LastSnapshotTick"/> is the newest snapshot tick the client decoded (its ack),
/// 0xFFFFFFFF = none yet.
/// </summary>
public readonly record struct InputMessage(
    uint Sequence, sbyte Throttle, sbyte Steering, ushort TurretYaw, InputButtons Buttons, uint LastSnapshotTick)
{
    public const int Size = 15;

    /// <summary><see cref="LastSnapshotTick"/> of a client that has decoded no snapshot yet.</summary>
    public const uint NoSnapshot = uint.MaxValue;

    public bool Fire => (Buttons & InputButtons.Fire) != 0;

    /// <summary>Throttle as -1..1.</summary>
    public float ThrottleValue => Throttle / 127f;

    /// <summary>Steering as -1..1 (+1 turns left, counter-clockwise).</summary>
    public float SteeringValue => Steering / 127f;

    /// <summary>Turret yaw in radians, [0, 2π).</summary>
    public float TurretYawRadians => Snapshots.SnapshotQuantizer.AngleToRadians(TurretYaw);

    /// <summary>Quantizes an axis in [-1, 1] (clamped; NaN → 0) to -127..127.</summary>
    public static sbyte Axis(float value) =>
        float.IsNaN(value) ? (sbyte)0 : (sbyte)MathF.Round(Math.Clamp(value, -1f, 1f) * 127f);

    public int WriteTo(Span<byte> destination)
    {
        if (Throttle == sbyte.MinValue || Steering == sbyte.MinValue)
        {
            throw new ArgumentOutOfRangeException(nameof(Throttle), "throttle and steering are -127..127");
        }
        GameProtocol.WriteHeader(destination, GameMessageType.Input, Size);
        GameProtocol.U32(destination, 2, Sequence);
        destination[6] = (byte)Throttle;
        destination[7] = (byte)Steering;
        GameProtocol.U16(destination, 8, TurretYaw);
        destination[10] = (byte)Buttons;
        GameProtocol.U32(destination, 11, LastSnapshotTick);
        return Size;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out InputMessage message)
    {
        message = default;
        var result = GameProtocol.Check(payload, GameMessageType.Input, Size);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (payload.Length != Size)
        {
            return GameMessageReadResult.BadLength;
        }
        var throttle = (sbyte)payload[6];
        var steering = (sbyte)payload[7];
        var buttons = payload[10];
        if (throttle == sbyte.MinValue || steering == sbyte.MinValue || (buttons & ~(int)InputButtons.Fire) != 0)
        {
            return GameMessageReadResult.BadValue;
        }
        message = new InputMessage(
            GameProtocol.U32(payload, 2), throttle, steering, GameProtocol.U16(payload, 8), (InputButtons)buttons,
            GameProtocol.U32(payload, 11));
        return GameMessageReadResult.Ok;
    }
}
