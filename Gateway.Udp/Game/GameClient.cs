using System.Diagnostics;
using Tanks.Gateway.Udp.Payloads;
using Tanks.Protocol.Snapshots;

namespace Tanks.Gateway.Udp.Game;

/// <summary>Where a connected player stands as this gateway sees it.</summary>
internal enum ClientPhase
{
    Idle,
    Queued,
    InBattle,
}

/// <summary>
/// One connected player (soft state, gone with the connection). Fields are guarded by <c>lock (client)</c>; the receive
/// thread, the observer callbacks and the once-a-second poll all take it briefly and never call out while holding it.
/// </summary>
internal sealed class GameClient(UdpConnection connection, string userName)
{
    public readonly UdpConnection Connection = connection;
    public readonly string UserName = userName;

    public long UserId => (long)Connection.ClientId;

    public ClientPhase Phase;

    /// <summary>The queue shard that last answered for the player (-1: ask their player grain): polled there while queued.</summary>
    public int Shard = -1;

    /// <summary>The battle this gateway serves the player in (set with <see cref="ClientPhase.InBattle"/>).</summary>
    public BattleRoom? Room;

    public ushort TankId;

    /// <summary>The newest snapshot tick the client acknowledged in this battle (reset on BattleStart: full snapshot first).</summary>
    public SnapshotAck Ack;

    /// <summary>
    /// Acks of this tick or older are ignored: they were sent before the client read its latest <c>BattleStart</c>, which
    /// wiped the baselines they name (set by <see cref="RestartStream"/>, the newest tick sent before that start).
    /// </summary>
    public uint AckFloor;
    public bool HasAckFloor;

    /// <summary>The highest input sequence taken; older ones are dropped (reordered datagrams).</summary>
    public uint LastSequence;
    public bool HasSequence;

    /// <summary>Last turret yaw asked for, so an idled tank keeps its aim.</summary>
    public float LastTurretYaw;

    /// <summary>A queue request (join, leave, reconnect) is in flight: further ones are ignored until it answers.</summary>
    public bool RequestInFlight;

    /// <summary>Set once the client disconnected: late answers for it are dropped.</summary>
    public bool Gone;

    /// <summary>At most one <c>ProtocolError</c> answer per client this often.</summary>
    public const long ProtocolErrorIntervalMs = 1000;

    private long _lastProtocolErrorAtMs = long.MinValue;
    private long _windowStart;
    private int _inputsInWindow;
    private long _queueWindowStart;
    private int _queueRequestsInWindow;

    /// <summary>Counts an input against a one-second window of <paramref name="perSecond"/>; false: over the rate.</summary>
    public bool TryTakeInput(int perSecond) => TryTake(ref _windowStart, ref _inputsInWindow, perSecond);

    public bool TryTakeQueueRequest(int perSecond) => TryTake(ref _queueWindowStart, ref _queueRequestsInWindow, perSecond);

    /// <summary>True when a <c>ProtocolError</c> may be sent now (none within <see cref="ProtocolErrorIntervalMs"/>).</summary>
    public bool TryTakeProtocolError()
    {
        var now = Environment.TickCount64;
        if (_lastProtocolErrorAtMs != long.MinValue && now - _lastProtocolErrorAtMs < ProtocolErrorIntervalMs)
        {
            return false;
        }

        _lastProtocolErrorAtMs = now;
        return true;
    }

    /// <summary>When the client entered its battle (<see cref="Environment.TickCount64"/>): a BattleStart that recent is not sent twice.</summary>
    public long EnteredAtMs;

    public void EnterBattle(BattleRoom room, ushort tankId)
    {
        EnteredAtMs = Environment.TickCount64;
        Phase = ClientPhase.InBattle;
        Room = room;
        TankId = tankId;
        Ack.Reset();
        HasAckFloor = false;
        HasSequence = false;
    }

    public void LeaveBattle()
    {
        Phase = ClientPhase.Idle;
        Room = null;
        Ack.Reset();
        HasAckFloor = false;
        HasSequence = false;
    }

    /// <summary>
    /// A <c>BattleStart</c> goes out (the client resets its snapshot state on it): forget the ack, so a full snapshot
    /// follows, and ignore the acks still on their way for ticks up to <paramref name="newestSent"/> (null: none sent yet).
    /// </summary>
    public void RestartStream(uint? newestSent)
    {
        Ack.Reset();
        HasAckFloor = newestSent.HasValue;
        AckFloor = newestSent.GetValueOrDefault();
    }

    /// <summary>An input's snapshot ack (see <see cref="AckFloor"/>).</summary>
    public void Acknowledge(uint tick)
    {
        if (HasAckFloor && tick != Protocol.Game.InputMessage.NoSnapshot && (int)(tick - AckFloor) <= 0)
        {
            return;
        }

        Ack.Acknowledge(tick);
    }

    private static bool TryTake(ref long windowStart, ref int count, int perSecond)
    {
        var now = Stopwatch.GetTimestamp();
        if (now - windowStart >= Stopwatch.Frequency)
        {
            windowStart = now;
            count = 0;
        }

        if (count >= perSecond)
        {
            return false;
        }

        count++;
        return true;
    }
}
