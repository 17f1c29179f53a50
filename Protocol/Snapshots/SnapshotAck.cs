namespace Tanks.Protocol.Snapshots;

/// <summary>
/// Per client, in the gateway: the newest snapshot tick the client acknowledged (from <c>Input.LastSnapshotTick</c>).
/// Inputs may arrive reordered, so an older ack never replaces a newer one. A value type: keep it in the client's slot.
/// </summary>
public struct SnapshotAck
{
    public uint Tick { readonly get; private set; }

    public bool HasAck { readonly get; private set; }

    /// <summary>Records an ack; <see cref="Game.InputMessage.NoSnapshot"/> is ignored.</summary>
    public void Acknowledge(uint tick)
    {
        if (tick == Game.InputMessage.NoSnapshot)
        {
            return;
        }
        if (!HasAck || (int)(tick - Tick) > 0)
        {
            Tick = tick;
            HasAck = true;
        }
    }

    /// <summary>Forget the ack (a new battle: ticks start over).</summary>
    public void Reset() => this = default;
}
