using System.Text.RegularExpressions;
using Tanks.Ops.Tests.Infrastructure;

namespace Tanks.Ops.Tests;

/// <summary>helm lint --strict and helm template of helm/tanks with default values and helm/ci/*-values.yaml.</summary>
public sealed class HelmChartTests
{
    private const string F = Helm.Fullname;

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string> { "(defaults)" };
        foreach (var s in Helm.ScenarioFiles())
        {
            data.Add(s);
        }

        return data;
    }

    private static string? ScenarioOrNull(string s) => s == "(defaults)" ? null : s;

    [Fact]
    public void There_are_at_least_three_ci_scenarios() =>
        Assert.True(Helm.ScenarioFiles().Count() >= 3, "helm/ci needs at least 3 *-values.yaml scenarios");

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Lint_strict_passes(string scenario)
    {
        var r = Proc.Run(Tools.Helm, ["lint", "--strict", Helm.ChartDir, .. Helm.ValuesArgs(ScenarioOrNull(scenario))]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("0 chart(s) failed", r.StdOut);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Template_renders_well_formed_manifests(string scenario)
    {
        var ms = Helm.Render(ScenarioOrNull(scenario));
        Assert.NotEmpty(ms);
        foreach (var m in ms)
        {
            Assert.False(string.IsNullOrEmpty(m.Str("apiVersion")), $"{m} ({m.Source}) has no apiVersion");
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", m.Name);
            Assert.True(m.Name.Length <= 63, $"{m} name too long");
            Assert.True(Y.MapAt(m.Doc, "metadata.labels").GetValueOrDefault("app.kubernetes.io/part-of") as string == "tanks", $"{m} lacks app.kubernetes.io/part-of=tanks");
        }

        Assert.Equal(ms.Count, ms.Select(m => $"{m.Kind}/{m.Name}").Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_pod_runs_non_root_without_privilege_escalation(string scenario)
    {
        var workloads = Helm.Render(ScenarioOrNull(scenario)).Where(m => m.PodSpec() is not null).ToList();
        Assert.NotEmpty(workloads);
        foreach (var w in workloads)
        {
            var spec = w.PodSpec()!;
            foreach (var c in Y.SeqAt(spec, "containers").Cast<Dictionary<string, object?>>())
            {
                var name = $"{w}/{Y.Str(c, "name")}";
                var nonRoot = Y.Str(c, "securityContext.runAsNonRoot") ?? Y.Str(spec, "securityContext.runAsNonRoot");
                Assert.True(nonRoot == "true", $"{name}: runAsNonRoot must be true");
                var uid = Y.Str(c, "securityContext.runAsUser") ?? Y.Str(spec, "securityContext.runAsUser");
                Assert.True(uid is not null && uid != "0", $"{name}: needs a non-zero runAsUser");
                Assert.Equal("false", Y.Str(c, "securityContext.allowPrivilegeEscalation"));
                Assert.Equal("true", Y.Str(c, "securityContext.readOnlyRootFilesystem"));
                Assert.Contains("ALL", Y.SeqAt(c, "securityContext.capabilities.drop").Cast<string>());
                Assert.True(Y.At(c, "resources.requests") is not null || w.Kind == "Pod", $"{name}: resources.requests missing");
            }

            Assert.Equal("RuntimeDefault", Y.Str(spec, "securityContext.seccompProfile.type"));
        }
    }

    [Fact]
    public void Silo_deployment_is_wired_for_redis_clustering_and_graceful_shutdown()
    {
        var ms = Helm.Render(null);
        var silo = ms.One("Deployment", $"{F}-silo");
        var c = silo.Container("silo");
        Assert.Equal($"{F}-redis:6379", Y.Str(c.Env("Redis__ConnectionString"), "value"));
        Assert.Equal("status.podIP", Y.Str(c.Env("Cluster__AdvertisedAddress"), "valueFrom.fieldRef.fieldPath"));
        Assert.Equal("tanks", Y.Str(c.Env("Cluster__ClusterId"), "value"));
        Assert.Equal("tanks", Y.Str(c.Env("Cluster__ServiceId"), "value"));
        Assert.Equal("11111", Y.Str(c.Env("Cluster__SiloPort"), "value"));
        Assert.Equal("30000", Y.Str(c.Env("Cluster__GatewayPort"), "value"));
        Assert.Equal("json", Y.Str(c.Env("Logging__Format"), "value"));
        Assert.Equal("http://0.0.0.0:8080", Y.Str(c.Env("ASPNETCORE_URLS"), "value"));
        Assert.Equal("00:00:30", Y.Str(c.Env("HostOptions__ShutdownTimeout"), "value"));
        var grace = int.Parse(Y.Str(silo.PodSpec(), "terminationGracePeriodSeconds")!);
        Assert.True(grace > 30, "termination grace period must exceed the Orleans shutdown timeout");
        Assert.Equal("dashboard-password", Y.Str(c.Env("Dashboard__Password"), "valueFrom.secretKeyRef.key"));
        Assert.Equal("dashboard-username", Y.Str(c.Env("Dashboard__Username"), "valueFrom.secretKeyRef.key"));
        Assert.Equal("/health/ready", Y.Str(c, "readinessProbe.httpGet.path"));
        Assert.Equal("/health/live", Y.Str(c, "livenessProbe.httpGet.path"));
        Assert.NotNull(Y.At(c, "resources.limits.memory"));
        Assert.NotNull(Y.At(silo.PodSpec(), "affinity.podAntiAffinity"));
        var ports = Y.SeqAt(c, "ports").Select(p => Y.Str(p, "containerPort")).ToHashSet();
        Assert.Superset(new HashSet<string?> { "11111", "30000", "8080" }, ports);
        Assert.Equal("true", AnnotationOf(silo, "prometheus.io/scrape"));
        Assert.Equal("8080", AnnotationOf(silo, "prometheus.io/port"));
        Assert.Equal("0", Y.Str(silo.Doc, "spec.strategy.rollingUpdate.maxUnavailable"));
    }

    [Fact]
    public void Pod_disruption_budgets_exist_for_silo_gateways_and_front()
    {
        var ms = Helm.Render(null);
        foreach (var component in new[] { "silo", "gateway-tcp", "gateway-udp", "front" })
        {
            var pdb = ms.One("PodDisruptionBudget", $"{F}-{component}");
            Assert.Equal(component, MatchLabel(pdb, "app.kubernetes.io/component"));
            Assert.Equal("1", pdb.Str("spec.maxUnavailable"));
        }
    }

    [Fact]
    public void Gateways_share_one_image_selected_by_argument_and_read_keys_from_the_secret()
    {
        var ms = Helm.Render(null);
        var tcp = ms.One("Deployment", $"{F}-gateway-tcp").Container("gateway");
        var udp = ms.One("Deployment", $"{F}-gateway-udp").Container("gateway");
        Assert.Equal(Y.Str(tcp, "image"), Y.Str(udp, "image"));
        Assert.Equal(["tcp"], Y.SeqAt(tcp, "args").Cast<string>());
        Assert.Equal(["udp"], Y.SeqAt(udp, "args").Cast<string>());
        Assert.Equal("true", Y.Str(tcp.Env("TcpGateway__ProxyProtocol"), "value"));
        Assert.Equal("8888", Y.Str(tcp.Env("TcpGateway__Port"), "value"));
        Assert.Equal("16", Y.Str(tcp.Env("TcpGateway__MaxConnectionsPerAddress"), "value"));
        Assert.Equal("9999", Y.Str(udp.Env("UdpGateway__Port"), "value"));
        Assert.Equal("2048", Y.Str(udp.Env("UdpGateway__MaxClients"), "value"));
        Assert.Equal($"{F}-secrets", Y.Str(tcp.Env("Jwt__SigningKey"), "valueFrom.secretKeyRef.name"));
        Assert.Equal("jwt-signing-key", Y.Str(tcp.Env("Jwt__SigningKey"), "valueFrom.secretKeyRef.key"));
        foreach (var c in new[] { tcp, udp })
        {
            Assert.Equal("netcode-private-key", Y.Str(c.Env("Netcode__PrivateKey"), "valueFrom.secretKeyRef.key"));
            Assert.Null(Y.At(c.Env("Netcode__PrivateKey"), "value"));
            Assert.Equal($"{F}-redis:6379", Y.Str(c.Env("Redis__ConnectionString"), "value"));
            Assert.Equal("/health/ready", Y.Str(c, "readinessProbe.httpGet.path"));
        }

        Assert.False(tcp.HasEnv("Jwt__SigningKey") && Y.At(tcp.Env("Jwt__SigningKey"), "value") is not null);
        Assert.Equal("UDP", Y.Str(ms.One("Service", $"{F}-gateway-udp-headless").Doc, "spec.ports.0.protocol"));
        Assert.Equal("None", Y.Str(ms.One("Service", $"{F}-gateway-tcp-headless").Doc, "spec.clusterIP"));
        Assert.DoesNotContain(ms, m => m.Kind == "HorizontalPodAutoscaler");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Gateway_env_names_are_real_options(string scenario)
    {
        var ms = Helm.Render(scenario == "(defaults)" ? null : scenario);
        var names = ms.Where(m => m.PodSpec() is not null)
            .SelectMany(m => Y.SeqAt(m.PodSpec(), "containers").Concat(Y.At(m.PodSpec(), "initContainers") is List<object?> i ? i : []))
            .SelectMany(c => Y.At(c, "env") is List<object?> env ? env.Select(e => Y.Str(e, "name")!) : [])
            .ToList();
        Assert.Contains("TcpGateway__Port", names);
        Assert.Empty(OptionNames.Unknown(names));
    }

    [Fact]
    public void Udp_gateway_ports_and_netcode_settings_match_the_front()
    {
        // Defaults: metrics port wired to the option, the annotation and the container port; no public address yet,
        // so no ServerAddress (NOTES warns); no ASPNETCORE_URLS (the gateways bind their own metrics port).
        var ms = Helm.Render(null);
        foreach (var (kind, section, metrics) in new[] { ("udp", "UdpGateway", "8001"), ("tcp", "TcpGateway", "8000") })
        {
            var deployment = ms.One("Deployment", $"{F}-gateway-{kind}");
            var c = deployment.Container("gateway");
            Assert.Equal(metrics, Y.Str(c.Env($"{section}__MetricsPort"), "value"));
            Assert.Equal(metrics, AnnotationOf(deployment, "prometheus.io/port"));
            Assert.Contains(Y.SeqAt(c, "ports"), p => Y.Str(p, "name") == "metrics" && Y.Str(p, "containerPort") == metrics);
            Assert.False(c.HasEnv("ASPNETCORE_URLS"));
        }

        var udp = ms.One("Deployment", $"{F}-gateway-udp").Container("gateway");
        Assert.Equal("1", Y.Str(udp.Env("UdpGateway__Sockets"), "value"));
        Assert.False(udp.HasEnv("UdpGateway__ServerAddress"));
        Assert.False(udp.HasEnv("Netcode__ProtocolId"));

        // Production: the LoadBalancer address is the public address in tokens (Gateway.Tcp) and the server address
        // Gateway.Udp checks tokens against; its port is the front's UDP port.
        ms = Helm.Render("production-values.yaml");
        var tcp = ms.One("Deployment", $"{F}-gateway-tcp").Container("gateway");
        udp = ms.One("Deployment", $"{F}-gateway-udp").Container("gateway");
        var publicAddress = Y.Str(tcp.Env("Netcode__PublicAddresses__0"), "value")!;
        Assert.Equal("203.0.113.10:9999", publicAddress);
        Assert.Equal(publicAddress, Y.Str(udp.Env("Netcode__PublicAddresses__0"), "value"));
        Assert.Equal(publicAddress, Y.Str(udp.Env("UdpGateway__ServerAddress"), "value"));
        var front = ms.One("Service", $"{F}-front");
        Assert.Contains(Y.SeqAt(front.Doc, "spec.ports"), p => Y.Str(p, "protocol") == "UDP" && publicAddress.EndsWith(":" + Y.Str(p, "port"), StringComparison.Ordinal));

        // Overrides: an explicit server address; a protocol id (hex, as a string) reaches both gateways.
        var r = Helm.Template("production-values.yaml", "--set", "gatewayUdp.serverAddress=198.51.100.7:9999", "--set-string", "netcode.protocolId=0x54414E4B53000002");
        Assert.True(r.ExitCode == 0, r.ToString());
        var custom = Helm.Parse(r.StdOut);
        udp = custom.One("Deployment", $"{F}-gateway-udp").Container("gateway");
        tcp = custom.One("Deployment", $"{F}-gateway-tcp").Container("gateway");
        Assert.Equal("198.51.100.7:9999", Y.Str(udp.Env("UdpGateway__ServerAddress"), "value"));
        Assert.Equal("0x54414E4B53000002", Y.Str(udp.Env("Netcode__ProtocolId"), "value"));
        Assert.Equal("0x54414E4B53000002", Y.Str(tcp.Env("Netcode__ProtocolId"), "value"));
    }

    [Fact]
    public void Secret_is_generated_kept_and_nothing_secret_is_in_values()
    {
        var ms = Helm.Render(null);
        var secret = ms.One("Secret", $"{F}-secrets");
        Assert.Equal("keep", AnnotationOf(secret, "helm.sh/resource-policy"));
        var data = Y.MapAt(secret.Doc, "data");
        Assert.Equal(["dashboard-password", "dashboard-username", "jwt-signing-key", "netcode-private-key", "redis-password"], data.Keys.Order(StringComparer.Ordinal));
        var jwt = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String((string)data["jwt-signing-key"]!));
        Assert.True(Convert.FromBase64String(jwt).Length >= 32, "JWT key must be base64 of >= 32 bytes");
        var netcode = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String((string)data["netcode-private-key"]!));
        Assert.Equal(32, Convert.FromBase64String(netcode).Length);

        // Generated per install (random), reused on upgrade (lookup).
        var again = Helm.Parse(Helm.Template(null).StdOut).One("Secret", $"{F}-secrets");
        Assert.NotEqual(data["jwt-signing-key"], Y.MapAt(again.Doc, "data")["jwt-signing-key"]);
        var template = Repo.Read("helm", "tanks", "templates", "secret.yaml");
        Assert.Contains("lookup \"v1\" \"Secret\"", template);

        // values.yaml: no secret material, only the names of existing Secrets (empty by default).
        var values = Y.Map(Yaml.Load(Repo.Read("helm", "tanks", "values.yaml")));
        var offending = new List<string>();
        Walk(values, "", (path, value) =>
        {
            var key = path.Split('.').Last();
            if (Regex.IsMatch(key, "(?i)password|signingkey|privatekey|secret|token|apikey") && !string.IsNullOrEmpty(value)
                && value is not ("true" or "false") && !key.Equals("dashboardUsername", StringComparison.Ordinal))
            {
                offending.Add($"{path}={value}");
            }
        });
        Assert.Empty(offending);
        var valuesText = Repo.Read("helm", "tanks", "values.yaml");
        foreach (var v in data.Values)
        {
            Assert.DoesNotContain((string)v!, valuesText);
        }
    }

    [Fact]
    public void Redis_statefulset_uses_the_repo_config_with_aof_and_a_pvc()
    {
        var ms = Helm.Render(null);
        var sts = ms.One("StatefulSet", $"{F}-redis");
        Assert.Equal("1", sts.Str("spec.replicas"));
        var c = sts.Container("redis");
        Assert.StartsWith("redis:", Y.Str(c, "image"));
        Assert.Contains("/etc/redis/redis.conf", Y.SeqAt(c, "command").Cast<string>());
        var claim = Y.SeqAt(sts.Doc, "spec.volumeClaimTemplates").Single();
        Assert.Equal("data", Y.Str(claim, "metadata.name"));
        Assert.Equal("8Gi", Y.Str(claim, "spec.resources.requests.storage"));
        Assert.Null(Y.SeqAt(sts.PodSpec(), "volumes").FirstOrDefault(v => Y.Str(v, "name") == "data"));
        var cm = ms.One("ConfigMap", $"{F}-redis");
        var conf = (string)Y.MapAt(cm.Doc, "data")["redis.conf"]!;
        Assert.Equal(Repo.Read("deploy", "redis", "redis.conf"), conf);
        Assert.Matches(new Regex("^appendonly yes$", RegexOptions.Multiline), conf);
        Assert.Matches(new Regex("^appendfsync everysec$", RegexOptions.Multiline), conf);
        Assert.Matches(new Regex("^save \\d+ \\d+", RegexOptions.Multiline), conf);
        Assert.Matches(new Regex("^dir /data$", RegexOptions.Multiline), conf);
        Assert.NotNull(sts.Container("metrics"));
    }

    [Fact]
    public void Backup_cronjob_runs_the_repo_script_into_a_pvc_never_an_emptydir()
    {
        var ms = Helm.Render(null);
        var cron = ms.One("CronJob", $"{F}-redis-backup");
        Assert.Equal("false", cron.Str("spec.suspend"));
        Assert.Equal("Forbid", cron.Str("spec.concurrencyPolicy"));
        var backup = cron.Volume("backup");
        Assert.Null(Y.At(backup, "emptyDir"));
        Assert.Equal($"{F}-backup", Y.Str(backup, "persistentVolumeClaim.claimName"));
        var pvc = ms.One("PersistentVolumeClaim", $"{F}-backup");
        Assert.Equal("keep", AnnotationOf(pvc, "helm.sh/resource-policy"));
        var data = cron.Volume("data");
        Assert.Equal($"data-{F}-redis-0", Y.Str(data, "persistentVolumeClaim.claimName"));
        Assert.Equal("true", Y.Str(data, "persistentVolumeClaim.readOnly"));
        var c = cron.Container("backup");
        Assert.Equal(["bash", "/scripts/backup.sh"], Y.SeqAt(c, "command").Cast<string>());
        Assert.Equal("48", Y.Str(c.Env("BACKUP_KEEP_HOURLY"), "value"));
        Assert.Equal("30", Y.Str(c.Env("BACKUP_KEEP_DAILY"), "value"));
        Assert.Equal("/backup", Y.Str(c.Env("BACKUP_DIR"), "value"));
        var cm = Y.MapAt(ms.One("ConfigMap", $"{F}-redis").Doc, "data");
        Assert.Equal(Repo.Read("deploy", "redis", "backup.sh"), cm["backup.sh"]);
        Assert.Equal(Repo.Read("deploy", "redis", "restore.sh"), cm["restore.sh"]);
        Assert.NotNull(Y.At(cron.PodSpec(), "affinity.podAffinity"));
        Assert.DoesNotContain(ms, m => m.Kind == "Job");
    }

    [Fact]
    public void Front_is_nginx_with_the_repo_stream_config_behind_a_loadbalancer()
    {
        var ms = Helm.Render(null);
        var cm = Y.MapAt(ms.One("ConfigMap", $"{F}-front").Doc, "data");
        var stream = (string)cm["tanks-stream.conf"]!;
        Assert.Equal(Repo.Read("deploy", "nginx", "tanks-stream.conf"), stream);
        Assert.Equal(Repo.Read("deploy", "nginx", "nginx.conf"), cm["nginx.conf"]);
        Assert.Matches(new Regex(@"^\s*proxy_protocol on;", RegexOptions.Multiline), stream);
        Assert.Matches(new Regex(@"^\s*hash \$remote_addr consistent;", RegexOptions.Multiline), stream);
        Assert.Matches(new Regex(@"listen 9999 udp reuseport;"), stream);
        Assert.Matches(new Regex(@"^\s*limit_conn \S+ \d+;", RegexOptions.Multiline), stream);
        Assert.Contains($"{F}-gateway-tcp-headless.games.svc.cluster.local:8888 resolve", (string)cm["tanks-upstream-tcp.conf"]!);
        Assert.Contains($"{F}-gateway-udp-headless.games.svc.cluster.local:9999 resolve", (string)cm["tanks-upstream-udp.conf"]!);
        Assert.StartsWith("resolver ", (string)cm["tanks-stream-env.conf"]!);
        var svc = ms.One("Service", $"{F}-front");
        Assert.Equal("LoadBalancer", svc.Str("spec.type"));
        Assert.Equal("Local", svc.Str("spec.externalTrafficPolicy"));
        var ports = Y.SeqAt(svc.Doc, "spec.ports").Select(p => $"{Y.Str(p, "protocol")}/{Y.Str(p, "port")}").ToList();
        Assert.Equal(["TCP/8888", "UDP/9999"], ports);
        var nginx = ms.One("Deployment", $"{F}-front").Container("nginx");
        Assert.Equal(["nginx", "-c", "/etc/nginx/tanks/nginx.conf", "-g", "daemon off;"], Y.SeqAt(nginx, "command").Cast<string>());
    }

    [Fact]
    public void Monitoring_objects_dashboards_and_helm_test_are_rendered()
    {
        var ms = Helm.Render(null);
        var dash = ms.One("ConfigMap", $"{F}-dashboards");
        Assert.Equal("1", Y.MapAt(dash.Doc, "metadata.labels")["grafana_dashboard"]);
        var data = Y.MapAt(dash.Doc, "data");
        Assert.Equal(["tanks-orleans.json", "tanks-overview.json"], data.Keys.Order(StringComparer.Ordinal));
        foreach (var (k, v) in data)
        {
            Assert.Equal(Repo.Read("monitoring", "grafana", "dashboards", k), v);
        }

        Assert.DoesNotContain(ms, m => m.Kind is "ServiceMonitor" or "PrometheusRule");
        var test = ms.One("Pod", $"{F}-test-front");
        Assert.Equal("test", AnnotationOf(test, "helm.sh/hook"));
        Assert.Equal($"{F}-front.games.svc.cluster.local", Y.Str(test.Container("front-check").Env("FRONT_HOST"), "value"));
        var script = Y.MapAt(ms.One("ConfigMap", $"{F}-test-front").Doc, "data")["front-check.sh"];
        Assert.Equal(Repo.Read("helm", "tanks", "files", "tests", "front-check.sh"), script);
        foreach (var d in new[] { "gateway-tcp", "gateway-udp" })
        {
            Assert.Equal("true", AnnotationOf(ms.One("Deployment", $"{F}-{d}"), "prometheus.io/scrape"));
        }

        Assert.Equal("8000", AnnotationOf(ms.One("Deployment", $"{F}-gateway-tcp"), "prometheus.io/port"));
        Assert.Equal("8001", AnnotationOf(ms.One("Deployment", $"{F}-gateway-udp"), "prometheus.io/port"));
    }

    [Fact]
    public void Production_scenario_autoscales_and_uses_operator_monitoring()
    {
        var ms = Helm.Render("production-values.yaml");
        foreach (var g in new[] { "gateway-tcp", "gateway-udp" })
        {
            var hpa = ms.One("HorizontalPodAutoscaler", $"{F}-{g}");
            Assert.Equal($"{F}-{g}", hpa.Str("spec.scaleTargetRef.name"));
            Assert.Null(ms.One("Deployment", $"{F}-{g}").At("spec.replicas"));
        }

        var monitors = ms.Where(m => m.Kind == "ServiceMonitor").ToList();
        Assert.Equal(4, monitors.Count);
        foreach (var sm in monitors)
        {
            var job = Y.SeqAt(sm.Doc, "spec.endpoints.0.relabelings").Select(r => Y.Str(r, "replacement")).First(r => r is not null);
            Assert.StartsWith("tanks-", job);
        }

        var rule = ms.One("PrometheusRule", F);
        var groups = Y.SeqAt(rule.Doc, "spec.groups");
        var file = Y.SeqAt(Yaml.Load(Repo.Read("monitoring", "prometheus", "rules", "tanks.rules.yml")), "groups");
        Assert.Equal(file.Count, groups.Count);
        Assert.Equal(AlertNames(file), AlertNames(groups));
        Assert.DoesNotContain(ms, m => m.Kind == "PersistentVolumeClaim");
        Assert.Equal("tanks-backups-nfs", Y.Str(ms.One("CronJob", $"{F}-redis-backup").Volume("backup"), "persistentVolumeClaim.claimName"));
        var tcp = ms.One("Deployment", $"{F}-gateway-tcp").Container("gateway");
        Assert.Equal("203.0.113.10:9999", Y.Str(tcp.Env("Netcode__PublicAddresses__0"), "value"));
        Assert.Equal("/etc/tanks/tls/tls.crt", Y.Str(tcp.Env("TcpGateway__TlsCertificatePath"), "value"));
        Assert.NotNull(Y.At(ms.One("Deployment", $"{F}-silo").PodSpec(), "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"));
        Assert.Equal("Cluster", ms.One("Service", $"{F}-front").Str("spec.externalTrafficPolicy"));
    }

    [Fact]
    public void External_redis_scenario_renders_no_redis_backup_front_or_generated_secret()
    {
        var ms = Helm.Render("external-redis-values.yaml");
        Assert.DoesNotContain(ms, m => m.Kind is "StatefulSet" or "CronJob" or "Secret" or "PersistentVolumeClaim");
        Assert.DoesNotContain(ms, m => m.Name.Contains("front", StringComparison.Ordinal) || m.Name.Contains("gateway-udp", StringComparison.Ordinal));
        var silo = ms.One("Deployment", $"{F}-silo").Container("silo");
        Assert.Equal("redis.example.internal:6379", Y.Str(silo.Env("Redis__ConnectionString"), "value"));
        Assert.Equal("tanks-prod-secrets", Y.Str(silo.Env("Dashboard__Password"), "valueFrom.secretKeyRef.name"));
        Assert.Null(AnnotationOf(ms.One("Deployment", $"{F}-silo"), "prometheus.io/scrape"));
    }

    [Fact]
    public void Restore_scenario_stops_redis_suspends_backups_and_runs_the_restore_job()
    {
        var ms = Helm.Render("restore-values.yaml");
        Assert.Equal("0", ms.One("StatefulSet", $"{F}-redis").Str("spec.replicas"));
        Assert.Equal("true", ms.One("CronJob", $"{F}-redis-backup").Str("spec.suspend"));
        var job = ms.One("Job", $"{F}-redis-restore");
        Assert.Contains("post-upgrade", AnnotationOf(job, "helm.sh/hook"));
        var c = job.Container("restore");
        Assert.Equal(["bash", "/scripts/restore.sh", "20250101T120000Z"], Y.SeqAt(c, "command").Cast<string>());
        Assert.Null(Y.At(job.Volume("data"), "persistentVolumeClaim.readOnly"));
        Assert.Equal($"{F}-backup", Y.Str(job.Volume("backup"), "persistentVolumeClaim.claimName"));
        var mounts = Y.SeqAt(c, "volumeMounts");
        Assert.Equal("true", Y.Str(mounts.Single(m => Y.Str(m, "name") == "backup"), "readOnly"));
    }

    [Theory]
    [InlineData("silo.replicaCount=0", "replicaCount")]
    [InlineData("front.service.externalTrafficPolicy=Sometimes", "externalTrafficPolicy")]
    [InlineData("backup.keepHourly=0", "keepHourly")]
    [InlineData("redis.enabled=false", "redis.externalConnectionString is required")]
    [InlineData("secrets.jwtSigningKey=abc", "jwtSigningKey")]
    [InlineData("netcode.publicAddresses[0]=play.example.com:9999", "publicAddresses")]
    [InlineData("gatewayUdp.serverAddress=localhost:9999", "serverAddress")]
    [InlineData("netcode.protocolId=TANKS", "protocolId")]
    [InlineData("gatewayUdp.sockets=0", "sockets")]
    public void Invalid_values_are_rejected(string set, string expected)
    {
        var r = Helm.Template(null, "--set", set);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(expected, r.StdErr);
    }

    private static string? AnnotationOf(Manifest m, string key)
    {
        var path = m.Kind is "Deployment" or "StatefulSet" ? "spec.template.metadata.annotations" : "metadata.annotations";
        return Y.At(m.Doc, path) is Dictionary<string, object?> a && a.TryGetValue(key, out var v) ? v as string : null;
    }

    private static string? MatchLabel(Manifest m, string key) =>
        Y.MapAt(m.Doc, "spec.selector.matchLabels").GetValueOrDefault(key) as string;

    private static List<string> AlertNames(List<object?> groups) =>
        groups.SelectMany(g => Y.SeqAt(g, "rules")).Select(r => Y.Str(r, "alert") ?? Y.Str(r, "record")!).ToList();

    private static void Walk(object? node, string path, Action<string, string?> visit)
    {
        switch (node)
        {
            case Dictionary<string, object?> m:
                foreach (var (k, v) in m)
                {
                    Walk(v, path.Length == 0 ? k : $"{path}.{k}", visit);
                }

                break;
            case List<object?> l:
                for (var i = 0; i < l.Count; i++)
                {
                    Walk(l[i], $"{path}.{i}", visit);
                }

                break;
            default:
                visit(path, node as string);
                break;
        }
    }
}
