using System.Globalization;
using System.Text.Json;
using Tanks.Client.Netcode;
using Tanks.Protocol.Netcode;
using Tanks.Tests.Infrastructure;
using Tanks.Tests.Udp;

namespace Tanks.Tests.Operations;

/// <summary>
/// Issue 6 check: a real Prometheus (Debian package) with the repo's monitoring/prometheus/prometheus.yml and rules,
/// its static targets moved to the shared stack's loopback ports, scrapes the silo, Gateway.Tcp and Gateway.Udp and
/// finds them up.
/// </summary>
[Collection(SharedStackCollection.Name)]
public sealed class PrometheusScrapeTests(SharedStack shared)
{
    [Fact]
    public async Task Prometheus_with_the_repo_config_scrapes_the_running_stack_and_every_target_is_up()
    {
        var prometheus = RequiredTool.Find("prometheus", "apt-get install -y prometheus, or .ci/install-tools.sh");
        await MetricNamesTests.DriveSomeWorkAsync(shared.Gateway.Port);
        var udp = await shared.Stack.StartUdpGatewayAsync(new Dictionary<string, string> { ["UdpGateway__PayloadMode"] = "echo" });
        using var udpClient = NetcodeUdpClient.Create(new NetcodeUdpClientOptions { LocalAddress = System.Net.IPAddress.Loopback });
        Assert.Equal(NetcodeClientState.Connected,
            await udpClient.ConnectAsync(NetcodeTestKit.Mint(udp.KeyBytes, udp.Address), TimeSpan.FromSeconds(10)));
        await UdpGatewayEndToEndTests.AssertEchoesAsync(udpClient, 3);
        using var dir = new TempDirectory("tanks-prometheus-");
        var port = FreePort.Next();
        File.WriteAllText(dir.File("prometheus.yml"), RenderConfig(shared.Stack.SiloHttpPort, shared.Gateway.MetricsPort, udp.MetricsPort));
        Directory.CreateDirectory(dir.File("rules"));
        File.Copy(OpsSupport.RepoPath("monitoring", "prometheus", "rules", "tanks.rules.yml"), dir.File("rules", "tanks.rules.yml"));

        using var process = ExternalProcess.Start(prometheus,
        [
            "--config.file=" + dir.File("prometheus.yml"),
            "--storage.tsdb.path=" + dir.File("data"),
            $"--web.listen-address=127.0.0.1:{port}",
            "--storage.tsdb.retention.time=1h",
        ], workDir: dir.Path);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            string targets = "";
            var allUp = await OpsSupport.EventuallyAsync(async () =>
            {
                Assert.False(process.HasExited, "prometheus exited:\n" + process.Output);
                targets = await http.GetStringAsync("/api/v1/targets");
                var active = JsonDocument.Parse(targets).RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToList();
                return active.Count == 3 && active.All(t => t.GetProperty("health").GetString() == "up");
            }, TimeSpan.FromSeconds(30));
            Assert.True(allUp, "targets not all up within 30 s:\n" + targets + "\n" + process.Output);

            using (var doc = JsonDocument.Parse(targets))
            {
                var jobs = doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                    .Select(t => t.GetProperty("labels").GetProperty("job").GetString()).Order(StringComparer.Ordinal);
                Assert.Equal(["tanks-gateway-tcp", "tanks-gateway-udp", "tanks-silo"], jobs);
            }

            // PromQL over the scraped data: both up, and Tanks series with the labels the dashboards group by.
            var up = await QueryAsync(http, "up");
            Assert.Equal(3, up.Count);
            Assert.All(up, r => Assert.Equal("1", r.GetProperty("value")[1].GetString()));
            var logins = await QueryAsync(http, "sum by (result) (tanks_logins_total)");
            Assert.Contains(logins, r => r.GetProperty("metric").GetProperty("result").GetString() == "ok"
                && double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) >= 3);
            var requests = await QueryAsync(http, "sum by (job, op) (tanks_tcp_requests_total)");
            Assert.Contains(requests, r => r.GetProperty("metric").GetProperty("job").GetString() == "tanks-gateway-tcp"
                && r.GetProperty("metric").GetProperty("op").GetString() == "register");
            Assert.NotEmpty(await QueryAsync(http, "sum by (grain_type) (microsoft_orleans_orleans_catalog_activations)"));
            var connected = await QueryAsync(http, "tanks_udp_clients_connected{job=\"tanks-gateway-udp\"}");
            Assert.Equal("1", Assert.Single(connected).GetProperty("value")[1].GetString());
            var handshakes = await QueryAsync(http, "sum by (outcome) (tanks_udp_handshakes_total{job=\"tanks-gateway-udp\"})");
            Assert.Contains(handshakes, r => r.GetProperty("metric").GetProperty("outcome").GetString() == "accepted"
                && double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) >= 1);
            Assert.NotEmpty(await QueryAsync(http, "sum by (direction, type) (rate(tanks_udp_packets_total{job=\"tanks-gateway-udp\"}[1m]))"));

            // The rule file loaded (the same one the chart's PrometheusRule carries).
            var rules = await http.GetStringAsync("/api/v1/rules");
            Assert.Contains("TanksSiloCountDropped", rules);
            Assert.Contains("tanks:silos_up:count", rules);
        }
        finally
        {
            process.Kill();
            udpClient.Disconnect();
            await udp.Process.KillAsync();
        }
    }

    /// <summary>
    /// monitoring/prometheus/prometheus.yml with a 1 s scrape interval, the silo, Gateway.Tcp and Gateway.Udp static
    /// targets moved to the test ports, and the kubernetes-pods job left out (no cluster; Debian's Prometheus lacks
    /// Kubernetes discovery).
    /// </summary>
    internal static string RenderConfig(int siloPort, int gatewayTcpMetricsPort, int gatewayUdpMetricsPort)
    {
        var text = File.ReadAllText(OpsSupport.RepoPath("monitoring", "prometheus", "prometheus.yml"));
        var udpJob = text.IndexOf("  - job_name: tanks-gateway-udp", StringComparison.Ordinal);
        var podsJob = text.IndexOf("  - job_name: kubernetes-pods", StringComparison.Ordinal);
        Assert.True(udpJob > 0 && podsJob > udpJob, "prometheus.yml: expected the udp job, then the kubernetes-pods job, last");
        var rendered = text[..podsJob]
            .Replace("scrape_interval: 15s", "scrape_interval: 1s", StringComparison.Ordinal)
            .Replace("scrape_timeout: 10s", "scrape_timeout: 1s", StringComparison.Ordinal)
            .Replace("evaluation_interval: 15s", "evaluation_interval: 1s", StringComparison.Ordinal)
            .Replace("\"127.0.0.1:8080\"", $"\"127.0.0.1:{siloPort}\"", StringComparison.Ordinal)
            .Replace("\"127.0.0.1:8000\"", $"\"127.0.0.1:{gatewayTcpMetricsPort}\"", StringComparison.Ordinal)
            .Replace("\"127.0.0.1:8001\"", $"\"127.0.0.1:{gatewayUdpMetricsPort}\"", StringComparison.Ordinal);
        Assert.Contains("scrape_interval: 1s", rendered);
        Assert.Contains($"127.0.0.1:{siloPort}", rendered);
        Assert.Contains($"127.0.0.1:{gatewayTcpMetricsPort}", rendered);
        Assert.Contains($"127.0.0.1:{gatewayUdpMetricsPort}", rendered);
        return rendered;
    }

    private static async Task<List<JsonElement>> QueryAsync(HttpClient http, string promql)
    {
        List<JsonElement> result = [];
        var found = await OpsSupport.EventuallyAsync(async () =>
        {
            var body = await http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
            using var doc = JsonDocument.Parse(body);
            result = doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(e => e.Clone()).ToList();
            return result.Count > 0;
        }, TimeSpan.FromSeconds(15));
        Assert.True(found, $"no result for {promql}");
        return result;
    }
}
