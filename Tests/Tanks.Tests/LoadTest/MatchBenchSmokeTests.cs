using System.Diagnostics;
using System.Text.Json;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.LoadTest;

/// <summary>
/// The CI smoke of Tools/MatchBench: a population of 196 on its own redis-server, a 3 s window of churn (some joins followed by
/// a leave); the last line must be the JSON row with positive figures, and every join answered without error.
/// </summary>
public sealed class MatchBenchSmokeTests
{
    [Fact]
    public async Task A_tiny_population_churns_and_the_last_line_is_the_json_row()
    {
        var redis = RequiredTool.Find("redis-server", "apt-get install -y redis-server");
        var (exit, output) = await RunBenchAsync(
            // The window by time: battles form on the shards' 1 s timer, so 3 s sees several. One shard: 196 players
            // seed exactly 14 full 7v7 battles (a shard seeds full battles only).
            "--players", "196", "--shards", "1", "--joins", "100000", "--seconds", "3", "--warmup-joins", "50", "--leave-percent", "10",
            "--redis-server", redis, "--json");

        Assert.True(exit == 0, $"exit code {exit}\n{output}");
        var last = output.TrimEnd().Split('\n')[^1];
        using var json = JsonDocument.Parse(last);
        var row = Assert.Single(json.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal(196, row.GetProperty("players").GetInt32());
        Assert.Equal(196, row.GetProperty("populationReached").GetInt32());
        Assert.True(row.GetProperty("joins").GetInt32() >= 100, row.ToString());
        foreach (var figure in new[] { "joinsPerSecond", "battlesPerSecond", "writeBytesPerJoin", "storageWritesPerJoin", "p50JoinMs", "p99JoinMs", "rssMb" })
        {
            Assert.True(row.GetProperty(figure).GetDouble() > 0, $"{figure}: {row}");
        }

        Assert.True(row.GetProperty("p99JoinMs").GetDouble() >= row.GetProperty("p50JoinMs").GetDouble(), row.ToString());
        Assert.True(row.GetProperty("leaves").GetInt32() > 0, row.ToString());
        Assert.Equal(0, row.GetProperty("errors").GetInt32());
        Assert.False(row.TryGetProperty("note", out _), row.ToString()); // nobody sent back into an ended battle
        Assert.True(json.RootElement.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
    }

    private static async Task<(int Exit, string Output)> RunBenchAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Repo.ProcessDll(Path.Combine("Tools", "MatchBench"), "Tanks.MatchBench.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            // What it printed says which phase hung (seeding, warm-up, the window, the stop).
            throw new TimeoutException($"MatchBench did not finish within 120 s; it printed:\n{await stdout}\n{await stderr}");
        }

        // Errors after the output: the JSON row stays the last line of stdout on success.
        return (process.ExitCode, await stdout + await stderr);
    }
}
