using System.Text.Json;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Operations;

/// <summary>
/// Issue 6 check: with Logging__Format=json (what the chart, compose and the images set) every process writes one
/// JSON object per line on stdout, ready for Loki or ELK, through start-up, requests and shutdown-free operation.
/// </summary>
public sealed class JsonLogsTests
{
    private static readonly Dictionary<string, string> Json = new() { ["Logging__Format"] = "json" };

    [Fact]
    public async Task Silo_and_gateway_log_only_json_lines_with_Logging_Format_json()
    {
        await using var stack = await TanksStack.StartAsync(siloSettings: Json);
        var gateway = await stack.StartTcpGatewayAsync(new Dictionary<string, string>(OpsSupport.GenerousLimits()) { ["Logging__Format"] = "json" });

        // Some work that logs: registrations, a failed login, a malformed request.
        await MetricNamesTests.DriveSomeWorkAsync(gateway.Port);
        await Task.Delay(500);

        foreach (var process in new[] { stack.Silo, gateway.Process })
        {
            var lines = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
            Assert.True(lines.Count >= 3, $"{process.Name} logged only {lines.Count} lines:\n{process.Output}");
            var categories = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in lines)
            {
                JsonDocument doc;
                try
                {
                    doc = JsonDocument.Parse(line);
                }
                catch (JsonException e)
                {
                    Assert.Fail($"{process.Name}: not a JSON line ({e.Message}): {line}");
                    return;
                }

                using (doc)
                {
                    var root = doc.RootElement;
                    Assert.Equal(JsonValueKind.Object, root.ValueKind);
                    Assert.True(root.TryGetProperty("Timestamp", out _), $"{process.Name}: no Timestamp: {line}");
                    Assert.True(root.TryGetProperty("LogLevel", out _), $"{process.Name}: no LogLevel: {line}");
                    Assert.True(root.TryGetProperty("Message", out _), $"{process.Name}: no Message: {line}");
                    categories.Add(root.GetProperty("Category").GetString()!);
                }
            }

            Assert.Contains(categories, c => c.StartsWith("Tanks.", StringComparison.Ordinal));
        }

        // The stack sets the dashboard credentials, so the one plain line a silo prints for generated ones is absent.
        Assert.DoesNotContain("generated password", stack.Silo.Output, StringComparison.Ordinal);
    }
}
