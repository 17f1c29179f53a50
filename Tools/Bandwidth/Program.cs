using System.CommandLine;
using Tanks.Bandwidth;
using Tanks.Measurement;

// Bandwidth per client of a real 7v7 battle: delta snapshots (acked baselines over a lossy, delayed channel) vs full
// snapshots, plus battle events downstream and inputs upstream. See docs/protocol.md, "Measured".
var seconds = new Option<double>("--seconds") { Description = "game seconds to simulate", DefaultValueFactory = _ => 60 };
var tickRate = new Option<int>("--tick-rate") { Description = "server tick rate (Hz)", DefaultValueFactory = _ => 20 };
var rtt = new Option<double>("--rtt-ms") { Description = "round-trip time of the simulated link (ms)", DefaultValueFactory = _ => 100 };
var loss = new Option<double>("--loss") { Description = "packet loss of the simulated link, each way (0.01 = 1 %)", DefaultValueFactory = _ => 0.01 };
var seed = new Option<ulong>("--seed") { Description = "seed of the battles, the bots and the link", DefaultValueFactory = _ => 12345 };
var spotting = new Option<string>("--spotting") { Description = "on: each team sees only what it spotted (the default); off: every client sees everything", DefaultValueFactory = _ => "on" };
spotting.AcceptOnlyFromAmong("on", "off");
var root = new RootCommand("Bandwidth per client of a simulated 7v7: delta vs full snapshots, events down, inputs up; exit 1 when a decoded state mismatched.")
{
    seconds, tickRate, rtt, loss, seed, spotting,
};
var exit = ToolCommandLine.Fatal;
root.SetAction(async parse => exit = await ToolCommandLine.RunAsync(
    () => new BandwidthOptions(
        ToolCommandLine.Positive(parse.GetValue(seconds), "--seconds"),
        ToolCommandLine.Positive(parse.GetValue(tickRate), "--tick-rate"),
        ToolCommandLine.InRange(parse.GetValue(rtt), 0, 10_000, "--rtt-ms"),
        ToolCommandLine.InRange(parse.GetValue(loss), 0, 1, "--loss"),
        parse.GetValue(seed),
        parse.GetValue(spotting) != "off"),
    options =>
    {
        var report = new BandwidthRun(options).Run();
        report.Print(Console.Out);
        return Task.FromResult(report.Mismatches == 0 ? 0 : 1);
    }));
return await ToolCommandLine.InvokeAsync(root, args, () => exit);

namespace Tanks.Bandwidth
{
    internal sealed record BandwidthOptions(double Seconds, int TickRate, double RttMs, double Loss, ulong Seed, bool Spotting = true);
}
