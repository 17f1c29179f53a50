using System.Text.Json;
using System.Text.RegularExpressions;
using Tanks.Ops.Tests.Infrastructure;
using Tanks.Tests.Operations;

namespace Tanks.Ops.Tests;

/// <summary>promtool check config / check rules / test rules, and the metric names used by rules and dashboards.</summary>
public sealed class MonitoringTests
{
    private static readonly string PromDir = Repo.Path("monitoring", "prometheus");
    private static readonly string RulesFile = Repo.Path("monitoring", "prometheus", "rules", "tanks.rules.yml");

    [Theory]
    [InlineData("prometheus.yml")]
    [InlineData("prometheus-compose.yml")]
    public void Promtool_check_config(string file)
    {
        var promtool = Tools.Promtool;
        var r = Proc.Run(promtool, ["check", "config", Path.Combine(PromDir, file)]);
        if (r.ExitCode != 0 && r.All.Contains("field kubernetes_sd_configs not found", StringComparison.Ordinal))
        {
            // Debian's prometheus is built without Kubernetes service discovery. Check everything else, incl.
            // the pod job's relabel rules, with the discovery swapped for a static target.
            using var tmp = new TempDir();
            var text = File.ReadAllText(Path.Combine(PromDir, file));
            const string sd = "kubernetes_sd_configs:\n      - role: pod";
            Assert.Contains(sd, text);
            File.WriteAllText(tmp.File(file), text.Replace(sd, "static_configs:\n      - targets: [\"127.0.0.1:1\"]", StringComparison.Ordinal));
            Directory.CreateDirectory(tmp.File("rules"));
            File.Copy(RulesFile, tmp.File("rules", "tanks.rules.yml"));
            r = Proc.Run(promtool, ["check", "config", tmp.File(file)]);
        }

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("SUCCESS", r.All);
    }

    [Fact]
    public void Promtool_check_rules()
    {
        var r = Proc.Run(Tools.Promtool, ["check", "rules", RulesFile]);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public void Promtool_test_rules()
    {
        var tests = Directory.GetFiles(Path.Combine(PromDir, "tests"), "*.yml").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(tests);
        var r = Proc.Run(Tools.Promtool, ["test", "rules", .. tests], workDir: Path.Combine(PromDir, "tests"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("FAILED", r.All);
    }

    [Fact]
    public void Every_alert_has_firing_and_silent_promtool_cases_and_a_runbook_section()
    {
        var alerts = Alerts().ToList();
        Assert.Superset(
            new HashSet<string> { "TanksSiloCountDropped", "TanksTickTimeP99OverBudget", "TanksUdpHandshakeFailureSpike",
                "TanksLoginFailureRatioHigh", "TanksRedisBackupFailed", "TanksRedisBackupStale", "TanksGatewayDown" },
            alerts.Select(a => a.Name).ToHashSet());
        var firing = new HashSet<string>();
        var silent = new HashSet<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(PromDir, "tests"), "*.yml"))
        {
            foreach (var test in Y.SeqAt(Yaml.Load(File.ReadAllText(file)), "tests"))
            {
                foreach (var check in Y.SeqAt(test, "alert_rule_test"))
                {
                    var name = Y.Str(check, "alertname")!;
                    (Y.SeqAt(check, "exp_alerts").Count > 0 ? firing : silent).Add(name);
                }
            }
        }

        var docs = Repo.Read("docs", "operations.md");
        foreach (var a in alerts)
        {
            Assert.True(firing.Contains(a.Name), $"{a.Name} has no promtool case where it fires");
            Assert.True(silent.Contains(a.Name), $"{a.Name} has no promtool case where it stays silent");
            Assert.True(a.Severity is "warning" or "critical", $"{a.Name}: severity must be warning|critical");
            Assert.Equal($"docs/operations.md#{a.Name.ToLowerInvariant()}", a.Runbook);
            Assert.Matches(new Regex($"^#+ {a.Name}\\s*$", RegexOptions.Multiline), docs);
        }
    }

    [Fact]
    public void Rules_and_dashboards_use_only_known_metric_names()
    {
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in Alerts())
        {
            Collect(a.Expr, $"alert {a.Name}", used);
        }

        foreach (var r in Records())
        {
            Collect(r.Expr, $"record {r.Name}", used);
        }

        foreach (var (file, expr) in DashboardExprs())
        {
            Collect(expr, file, used);
        }

        var unknown = used.Where(u => !MetricCatalog.IsKnown(u.Key)).Select(u => $"{u.Key} (in {u.Value})").ToList();
        Assert.True(unknown.Count == 0, "unknown metric names:\n" + string.Join("\n", unknown));
    }

    [Fact]
    public void Metric_catalog_is_consistent_with_the_backup_script()
    {
        Assert.Empty(MetricCatalog.Exported.Keys.Intersect(MetricCatalog.Planned.Keys));
        Assert.Empty(MetricCatalog.Exported.Keys.Intersect(MetricCatalog.BackupScript));
        Assert.All(MetricCatalog.Planned.Values, issue => Assert.Matches(@"^issue \d+ \(.+\)$", issue));
        var script = Repo.Read("deploy", "redis", "backup.sh");
        var typed = Regex.Matches(script, @"# TYPE (tanks_backup_[a-z_]+) ").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(typed.Order(StringComparer.Ordinal), MetricCatalog.BackupScript.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Dashboards_cover_players_battles_logins_ticks_traffic_errors_and_orleans()
    {
        var overview = string.Join("\n", DashboardExprs().Where(d => d.File == "tanks-overview.json").Select(d => d.Expr));
        foreach (var m in new[] { "tanks_udp_clients_connected", "tanks_battles_running", "tanks_logins_total", "tanks_tick_duration_seconds_bucket",
                     "tanks_udp_packets_total", "tanks_udp_bytes_total", "tanks_tcp_rejections_total", "tanks_tcp_requests_total" })
        {
            Assert.Contains(m, overview);
        }

        var orleans = string.Join("\n", DashboardExprs().Where(d => d.File == "tanks-orleans.json").Select(d => d.Expr));
        foreach (var m in new[] { "microsoft_orleans_orleans_catalog_activations", "microsoft_orleans_orleans_messaging_processing_dispatcher_received",
                     "microsoft_orleans_orleans_messaging_processing_dispatcher_processed", "tanks_tcp_request_duration_seconds_bucket" })
        {
            Assert.Contains(m, orleans);
        }
    }

    [Fact]
    public void Dashboards_are_valid_grafana_json_with_a_datasource_variable()
    {
        var uids = new HashSet<string>();
        foreach (var file in DashboardFiles())
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var root = doc.RootElement;
            Assert.True(uids.Add(root.GetProperty("uid").GetString()!), "duplicate dashboard uid");
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
            Assert.Contains(root.GetProperty("templating").GetProperty("list").EnumerateArray(),
                v => v.GetProperty("type").GetString() == "datasource" && v.GetProperty("name").GetString() == "datasource");
            var ids = new HashSet<int>();
            foreach (var p in root.GetProperty("panels").EnumerateArray())
            {
                Assert.True(ids.Add(p.GetProperty("id").GetInt32()), $"{file}: duplicate panel id");
                if (p.GetProperty("type").GetString() == "row")
                {
                    continue;
                }

                Assert.Equal("${datasource}", p.GetProperty("datasource").GetProperty("uid").GetString());
                var targets = p.GetProperty("targets").EnumerateArray().ToList();
                Assert.NotEmpty(targets);
                Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString())));
            }
        }

        Assert.Equal(2, uids.Count);
    }

    [Fact]
    public void Grafana_provisioning_points_at_prometheus_and_the_dashboards_dir()
    {
        var ds = Y.SeqAt(Yaml.Load(Repo.Read("monitoring", "grafana", "provisioning", "datasources", "prometheus.yml")), "datasources");
        Assert.Equal("prometheus", Y.Str(ds.Single(), "type"));
        Assert.Equal("http://prometheus:9090", Y.Str(ds.Single(), "url"));
        var providers = Y.SeqAt(Yaml.Load(Repo.Read("monitoring", "grafana", "provisioning", "dashboards", "tanks.yml")), "providers");
        Assert.Equal("/var/lib/grafana/dashboards/tanks", Y.Str(providers.Single(), "options.path"));
        var compose = Repo.Read("docker-compose.yml");
        Assert.Contains("./monitoring/grafana/dashboards/tanks-overview.json:/var/lib/grafana/dashboards/tanks/tanks-overview.json", compose);
    }

    [Fact]
    public void Prometheus_config_scrapes_the_three_processes_and_kubernetes_pods()
    {
        var cfg = Yaml.Load(File.ReadAllText(Path.Combine(PromDir, "prometheus.yml")));
        var jobs = Y.SeqAt(cfg, "scrape_configs").ToDictionary(j => Y.Str(j, "job_name")!, j => j);
        Assert.Equal("127.0.0.1:8080", Y.Str(jobs["tanks-silo"], "static_configs.0.targets.0"));
        Assert.Equal("127.0.0.1:8000", Y.Str(jobs["tanks-gateway-tcp"], "static_configs.0.targets.0"));
        Assert.Equal("127.0.0.1:8001", Y.Str(jobs["tanks-gateway-udp"], "static_configs.0.targets.0"));
        Assert.Equal("pod", Y.Str(jobs["kubernetes-pods"], "kubernetes_sd_configs.0.role"));
        var relabel = Y.SeqAt(jobs["kubernetes-pods"], "relabel_configs");
        Assert.Contains(relabel, r => Y.Str(r, "target_label") == "job" && Y.Str(r, "replacement") == "tanks-$1");
    }

    private static void Collect(string expr, string where, Dictionary<string, string> used)
    {
        foreach (Match m in MetricCatalog.CheckedName.Matches(expr))
        {
            used.TryAdd(m.Value, where);
        }
    }

    private static IEnumerable<string> DashboardFiles() =>
        Directory.GetFiles(Repo.Path("monitoring", "grafana", "dashboards"), "*.json").Order(StringComparer.Ordinal);

    private static IEnumerable<(string File, string Expr)> DashboardExprs()
    {
        foreach (var file in DashboardFiles())
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var p in doc.RootElement.GetProperty("panels").EnumerateArray())
            {
                if (!p.TryGetProperty("targets", out var targets))
                {
                    continue;
                }

                foreach (var t in targets.EnumerateArray())
                {
                    yield return (Path.GetFileName(file), t.GetProperty("expr").GetString()!);
                }
            }
        }
    }

    private sealed record Alert(string Name, string Expr, string? Severity, string? Runbook);

    private static IEnumerable<object?> RuleNodes() =>
        Y.SeqAt(Yaml.Load(File.ReadAllText(RulesFile)), "groups").SelectMany(g => Y.SeqAt(g, "rules"));

    private static IEnumerable<Alert> Alerts() =>
        RuleNodes().Where(r => Y.Str(r, "alert") is not null)
            .Select(r => new Alert(Y.Str(r, "alert")!, Y.Str(r, "expr")!, Y.Str(r, "labels.severity"), Y.Str(r, "annotations.runbook_url")));

    private static IEnumerable<(string Name, string Expr)> Records() =>
        RuleNodes().Where(r => Y.Str(r, "record") is not null).Select(r => (Y.Str(r, "record")!, Y.Str(r, "expr")!));
}
