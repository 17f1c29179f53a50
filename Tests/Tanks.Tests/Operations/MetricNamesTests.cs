using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Operations;

/// <summary>
/// Issue 6 check: every metric name that a Grafana dashboard query or a Prometheus rule uses is really exported.
/// Starts nothing of its own: the shared silo + Gateway.Tcp do some work (registrations, good and bad logins, a
/// malformed request), then both /metrics are scraped and compared with <see cref="MetricCatalog"/> and monitoring/.
/// </summary>
[Collection(SharedStackCollection.Name)]
public sealed class MetricNamesTests(SharedStack shared)
{
    [Fact]
    public async Task Every_name_used_by_dashboards_and_rules_is_exported_by_a_live_process_or_explicitly_planned()
    {
        await DriveSomeWorkAsync(shared.Gateway.Port);
        var udp = await shared.Stack.StartUdpGatewayAsync();
        var scraped = new Dictionary<string, HashSet<string>>
        {
            [MetricCatalog.Silo] = OpsSupport.Families(await OpsSupport.ScrapeAsync(shared.Stack.SiloHttpPort)),
            [MetricCatalog.GatewayTcp] = OpsSupport.Families(await OpsSupport.ScrapeAsync(shared.Gateway.MetricsPort)),
            [MetricCatalog.GatewayUdp] = OpsSupport.Families(await OpsSupport.ScrapeAsync(udp.MetricsPort)),
        };
        var everywhere = scraped.Values.SelectMany(s => s).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();

        // 1. Every name the catalog says a process exports is in that process's scrape.
        foreach (var (name, processes) in MetricCatalog.Exported)
        {
            foreach (var process in processes)
            {
                if (!scraped[process].Contains(name))
                {
                    problems.Add($"{name}: listed as exported by {process}, but not in its /metrics");
                }
            }
        }

        // 2. Planned names must not be exported yet: when they are, they belong in Exported.
        foreach (var (name, issue) in MetricCatalog.Planned)
        {
            if (everywhere.Contains(name))
            {
                problems.Add($"{name}: planned for {issue} but now exported: move it to MetricCatalog.Exported");
            }
        }

        // 3. Every name used in monitoring/ is exported (or planned, or written by backup.sh).
        var used = OpsSupport.NamesUsedInMonitoring();
        Assert.NotEmpty(used);
        foreach (var (name, where) in used)
        {
            var family = MetricCatalog.Family(name);
            if (MetricCatalog.Planned.ContainsKey(family) || MetricCatalog.BackupScript.Contains(family))
            {
                continue;
            }

            if (!MetricCatalog.Exported.ContainsKey(family))
            {
                problems.Add($"{name} (in {where}): not in MetricCatalog; live names that look alike: "
                    + string.Join(", ", everywhere.Where(e => e.Contains(family.Split('_')[^1], StringComparison.Ordinal)).Take(8)));
            }
            else if (!everywhere.Contains(name) && !everywhere.Contains(family))
            {
                problems.Add($"{name} (in {where}): not in any scrape");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // The dashboards and rules still show the features that are coming (they are kept, not dropped).
        Assert.Superset(MetricCatalog.Planned.Keys.ToHashSet(), used.Keys.Select(MetricCatalog.Family).Where(MetricCatalog.Planned.ContainsKey).ToHashSet());
    }

    [Fact]
    public async Task Login_results_and_rejections_carry_the_labels_the_rules_select_on()
    {
        await DriveSomeWorkAsync(shared.Gateway.Port);
        var silo = await OpsSupport.ScrapeAsync(shared.Stack.SiloHttpPort);
        var gateway = await OpsSupport.ScrapeAsync(shared.Gateway.MetricsPort);
        Assert.Contains("tanks_logins_total{result=\"ok\"}", silo);
        Assert.Contains("tanks_logins_total{result=\"invalid_credentials\"}", silo);
        Assert.Matches(@"tanks_accounts_registered_total [1-9]", silo);
        Assert.Contains("microsoft_orleans_orleans_catalog_activations{grain_type=\"user\"}", silo);
        Assert.Contains("tanks_tcp_requests_total{op=\"login\",result=\"ok\"}", gateway);
        Assert.Contains("tanks_tcp_rejections_total{reason=\"bad_request\"}", gateway);
        Assert.Contains("tanks_tcp_request_duration_seconds_bucket{op=\"login\",le=", gateway);
    }

    /// <summary>Registrations, good and bad logins, and a malformed request (a rejection).</summary>
    internal static async Task DriveSomeWorkAsync(int port)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3; i++)
        {
            var user = $"metrics_{suffix}_{i}";
            JsonAssert.IsOk(await OpsSupport.RequestAsync(port, OpsSupport.Register(1, user, "correct horse battery")));
            JsonAssert.IsOk(await OpsSupport.RequestAsync(port, OpsSupport.Login(2, user, "correct horse battery")));
        }

        JsonAssert.IsError(await OpsSupport.RequestAsync(port, OpsSupport.Login(3, $"metrics_{suffix}_0", "wrong horse battery")), "invalid_credentials");
        JsonAssert.IsError(await OpsSupport.RequestAsync(port, OpsSupport.Login(4, $"nobody_{suffix}", "wrong horse battery")), "invalid_credentials");
        JsonAssert.IsError(await OpsSupport.RequestAsync(port, "{\"op\":\"login\",\"id\":5"), "bad_request");
    }
}
