using Prometheus;

namespace Tanks.Gateway.Udp.Game;

/// <summary>The <c>type</c> label of <c>tanks_udp_game_messages_total</c>: client-to-server messages, or unreadable ones.</summary>
public enum GameMessageKind
{
    JoinQueue,
    LeaveQueue,
    Input,
    Leave,

    /// <summary>Not a client-to-server game message at all (too short, unknown type, a server type); a client type of another version counts as its own type.</summary>
    Unknown,

    PlatoonInvite,
    PlatoonAnswer,
    PlatoonLeave,
    PlatoonKick,
}

/// <summary>The <c>result</c> label: what the gateway did with a message.</summary>
public enum GameMessageResult
{
    /// <summary>Accepted and acted on.</summary>
    Ok,

    /// <summary>Failed validation (length, ranges, reserved bits): dropped.</summary>
    Invalid,

    /// <summary>Over the client's rate: dropped.</summary>
    RateLimited,

    /// <summary>Well formed but meaningless now (input outside a battle, an older input sequence, a request in flight): dropped.</summary>
    Ignored,
}

/// <summary>Prometheus metrics of the game layer; every labelled child is resolved once, so the hot paths allocate nothing.</summary>
public sealed class GameMetrics
{
    private static readonly string[] KindNames = ["join_queue", "leave_queue", "input", "leave", "unknown", "platoon_invite", "platoon_answer", "platoon_leave", "platoon_kick"];
    private static readonly string[] ResultNames = ["ok", "invalid", "rate_limited", "ignored"];

    private static readonly Counter Messages = Metrics.CreateCounter(
        "tanks_udp_game_messages_total", "Client-to-server game messages by type and result (ok, invalid, rate_limited, ignored).",
        new CounterConfiguration { LabelNames = ["type", "result"] });

    private static readonly Counter SnapshotBytes = Metrics.CreateCounter(
        "tanks_udp_snapshot_bytes_total", "Snapshot message bytes sent to clients, by kind (delta, full).",
        new CounterConfiguration { LabelNames = ["kind"] });

    private static readonly Gauge Battles = Metrics.CreateGauge(
        "tanks_udp_battles", "Battles this gateway serves (has players in).");

    private readonly Counter.Child[] _messages = new Counter.Child[KindNames.Length * ResultNames.Length];
    private readonly Counter.Child _deltaBytes = SnapshotBytes.WithLabels("delta");
    private readonly Counter.Child _fullBytes = SnapshotBytes.WithLabels("full");

    public GameMetrics()
    {
        for (var k = 0; k < KindNames.Length; k++)
        {
            for (var r = 0; r < ResultNames.Length; r++)
            {
                _messages[k * ResultNames.Length + r] = Messages.WithLabels(KindNames[k], ResultNames[r]);
            }
        }

        Battles.Set(0);
    }

    public void Message(GameMessageKind kind, GameMessageResult result) => _messages[(int)kind * ResultNames.Length + (int)result].Inc();

    public void Snapshot(bool full, int bytes) => (full ? _fullBytes : _deltaBytes).Inc(bytes);

    public void SetBattles(int battles) => Battles.Set(battles);
}
