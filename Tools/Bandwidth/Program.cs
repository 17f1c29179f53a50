using System.Globalization;
using Tanks.Bandwidth;

// Bandwidth per client of a real 7v7 battle: delta snapshots (acked baselines over a lossy, delayed channel) vs full
// snapshots, plus battle events downstream and inputs upstream. See docs/protocol.md, "Measured".
var options = BandwidthOptions.Parse(args);
var report = new BandwidthRun(options).Run();
report.Print(Console.Out);
return report.Mismatches == 0 ? 0 : 1;

namespace Tanks.Bandwidth
{
    internal sealed record BandwidthOptions(double Seconds, int TickRate, double RttMs, double Loss, ulong Seed, bool Spotting = true)
    {
        public static BandwidthOptions Parse(string[] args)
        {
            var o = new BandwidthOptions(60, 20, 100, 0.01, 12345);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                var v = args[i + 1];
                o = args[i] switch
                {
                    "--seconds" => o with { Seconds = double.Parse(v, CultureInfo.InvariantCulture) },
                    "--tick-rate" => o with { TickRate = int.Parse(v, CultureInfo.InvariantCulture) },
                    "--rtt-ms" => o with { RttMs = double.Parse(v, CultureInfo.InvariantCulture) },
                    "--loss" => o with { Loss = double.Parse(v, CultureInfo.InvariantCulture) },
                    "--seed" => o with { Seed = ulong.Parse(v, CultureInfo.InvariantCulture) },
                    "--spotting" => o with { Spotting = v != "off" },
                    _ => throw new ArgumentException($"unknown option {args[i]} (--seconds, --tick-rate, --rtt-ms, --loss, --seed, --spotting on|off)"),
                };
            }
            return o;
        }
    }
}
