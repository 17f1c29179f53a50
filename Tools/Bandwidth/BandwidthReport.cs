using Tanks.Protocol.Netcode;

namespace Tanks.Bandwidth;

/// <summary>Byte counters of one direction and kind, with the netcode and IP/UDP overhead of each packet.</summary>
internal sealed class Traffic
{
    public long Packets;
    public long Payload;
    public long Netcode; // payload + prefix + sequence + MAC

    public void Add(int payloadBytes, ulong sequence)
    {
        Packets++;
        Payload += payloadBytes;
        Netcode += payloadBytes + 1 + NetcodeSequence.BytesRequired(sequence) + NetcodeConstants.MacBytes;
    }

    public long Wire => Netcode + 28 * Packets;
}

internal sealed class BandwidthReport(BandwidthOptions options)
{
    private const int Clients = 14;

    public int Ticks;
    public int Battles;
    public long AliveTankTicks;
    public long ShellTicks;
    public long Encodes;
    public long FullInDeltaMode;
    public long BaselineAgeSum;
    public long Decoded;
    public long Dropped;
    public long Mismatches;
    public double EncodeNanoseconds;
    public readonly Traffic DeltaDown = new();
    public readonly Traffic FullDown = new();
    public readonly Traffic EventsDown = new();
    public readonly Traffic InputUp = new();

    public void Print(TextWriter o)
    {
        var seconds = Ticks / (double)options.TickRate;
        o.WriteLine($"7v7 on crossroads, {options.TickRate} Hz, {seconds:F0} s of game time ({Ticks} ticks, {Battles} battle(s)), seed {options.Seed}");
        o.WriteLine($"spotting: {(options.Spotting ? "on (each client gets its team's view)" : "off (everyone sees everything)")}");
        o.WriteLine($"channel: RTT {options.RttMs} ms, loss {options.Loss:P1} each way; clients ack every tick through Input");
        o.WriteLine($"world: {AliveTankTicks / (double)Ticks:F1} tanks alive on average, {ShellTicks / (double)Ticks:F1} shells in flight");
        o.WriteLine($"delta: mean baseline age {BaselineAgeSum / (double)(Encodes - FullInDeltaMode):F2} ticks, {FullInDeltaMode * 100.0 / Encodes:F2} % full, " +
            $"{Decoded} decoded, {Dropped} dropped (baseline lost), {Mismatches} mismatches, encode {EncodeNanoseconds / Encodes:F0} ns/client/tick (wall clock incl. JIT; see the benchmark)");
        o.WriteLine();
        o.WriteLine("per client                      payload B/s  kbit/s   +netcode kbit/s  +IP/UDP kbit/s  packets/s");
        Row(o, "down: snapshots (delta)", DeltaDown, seconds);
        Row(o, "down: snapshots (full)", FullDown, seconds);
        Row(o, "down: battle events", EventsDown, seconds);
        Row(o, "up:   input", InputUp, seconds);
        o.WriteLine();
        o.WriteLine($"delta / full (payload): {DeltaDown.Payload / (double)FullDown.Payload:P1}");
    }

    private static void Row(TextWriter o, string name, Traffic t, double seconds)
    {
        double perClient(long v) => v / (double)Clients / seconds;
        o.WriteLine($"{name,-30} {perClient(t.Payload),11:F0}  {perClient(t.Payload) * 8 / 1000,6:F2}   {perClient(t.Netcode) * 8 / 1000,15:F2}  {perClient(t.Wire) * 8 / 1000,14:F2}  {perClient(t.Packets),9:F1}");
    }
}
