using System.Text.RegularExpressions;
using Tanks.Ops.Tests.Infrastructure;

namespace Tanks.Ops.Tests;

/// <summary>
/// The cluster's perimeter as the chart and compose build it (docs/operations.md, "Perimeter"): Redis only with its
/// ACL user's password, generated once into the Secret and read from there by every client; NetworkPolicies; pods on
/// every interface while the code defaults to loopback.
/// </summary>
public sealed class PerimeterChartTests
{
    private const string F = Helm.Fullname;

    [Fact]
    public void Redis_password_is_generated_once_into_the_secret_and_every_client_reads_it_from_there()
    {
        var ms = Helm.Render(null);
        var data = Y.MapAt(ms.One("Secret", $"{F}-secrets").Doc, "data");
        var password = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String((string)data["redis-password"]!));
        Assert.Matches("^[A-Za-z0-9]{40}$", password);
        var again = Helm.Parse(Helm.Template(null).StdOut).One("Secret", $"{F}-secrets");
        Assert.NotEqual(data["redis-password"], Y.MapAt(again.Doc, "data")["redis-password"]); // random per install
        Assert.Contains("get $data \"redis-password\"", Repo.Read("helm", "tanks", "templates", "secret.yaml")); // kept on upgrade

        var clients = new[] { ("Deployment", $"{F}-silo", "silo"), ("Deployment", $"{F}-gateway-tcp", "gateway"), ("Deployment", $"{F}-gateway-udp", "gateway") };
        foreach (var (kind, name, container) in clients)
        {
            var c = ms.One(kind, name).Container(container);
            Assert.Equal("tanks", Y.Str(c.Env("Redis__User"), "value"));
            AssertFromSecret(c, "Redis__Password");
            Assert.False(c.HasEnv("Redis__Tls"));
            Assert.DoesNotContain("password", Y.Str(c.Env("Redis__ConnectionString"), "value")!, StringComparison.OrdinalIgnoreCase);
        }

        var redis = ms.One("StatefulSet", $"{F}-redis");
        AssertFromSecret(redis.Container("redis"), "REDIS_PASSWORD");
        AssertFromSecret(redis.Container("redis"), "REDISCLI_AUTH");
        AssertFromSecret(redis.Container("metrics"), "REDIS_PASSWORD");
        Assert.Equal("tanks", Y.Str(redis.Container("metrics").Env("REDIS_USER"), "value"));
        var backup = ms.One("CronJob", $"{F}-redis-backup").Container("backup");
        AssertFromSecret(backup, "REDISCLI_AUTH");
        Assert.Equal("tanks", Y.Str(backup.Env("REDIS_USER"), "value"));
        var restore = Helm.Render("restore-values.yaml").One("Job", $"{F}-redis-restore").Container("restore");
        AssertFromSecret(restore, "REDISCLI_AUTH");
        Assert.Equal("tanks", Y.Str(restore.Env("REDIS_USER"), "value"));

        // Never in a ConfigMap, never on a command line.
        foreach (var m in ms.Where(m => m.Kind == "ConfigMap"))
        {
            Assert.DoesNotContain(password, string.Join("\n", Y.MapAt(m.Doc, "data").Values));
        }

        var rendered = Helm.Template(null).StdOut;
        Assert.DoesNotMatch(new Regex(@"redis-cli[^\n]*(\s-a\s|--pass\b|-u\s+redis://)"), rendered);

        // TLS: one value, both the setting and StackExchange.Redis' ssl=true documented.
        var tls = Helm.Template(null, "--set", "redis.tls.enabled=true");
        Assert.True(tls.ExitCode == 0, tls.ToString());
        Assert.Equal("true", Y.Str(Helm.Parse(tls.StdOut).One("Deployment", $"{F}-silo").Container("silo").Env("Redis__Tls"), "value"));

        // The chart's own Redis cannot be run without a password.
        var off = Helm.Template(null, "--set", "redis.auth.enabled=false");
        Assert.NotEqual(0, off.ExitCode);
        Assert.Contains("always requires a password", off.StdErr);
    }

    [Fact]
    public void Redis_conf_has_protected_mode_on_and_no_passwordless_access()
    {
        var conf = Repo.Read("deploy", "redis", "redis.conf");
        Assert.Matches(new Regex("^protected-mode yes$", RegexOptions.Multiline), conf);
        Assert.DoesNotMatch(new Regex("^protected-mode no", RegexOptions.Multiline), conf);
        Assert.Matches(new Regex("^aclfile /run/redis/users.acl$", RegexOptions.Multiline), conf);
        Assert.DoesNotMatch(new Regex(@"^\s*(user\s|requirepass)", RegexOptions.Multiline), conf); // no secret, no nopass user here

        var ms = Helm.Render(null);
        var cm = Y.MapAt(ms.One("ConfigMap", $"{F}-redis").Doc, "data");
        Assert.Equal(conf, cm["redis.conf"]);
        Assert.Equal(Repo.Read("deploy", "redis", "redis-start.sh"), cm["redis-start.sh"]);
        var sts = ms.One("StatefulSet", $"{F}-redis");
        var c = sts.Container("redis");
        Assert.Equal(["sh", "/scripts/redis-start.sh", "/etc/redis/redis.conf"], Y.SeqAt(c, "command").Cast<string>());
        Assert.Equal("Memory", Y.Str(sts.Volume("acl"), "emptyDir.medium"));
        Assert.Contains(Y.SeqAt(c, "volumeMounts"), v => Y.Str(v, "name") == "acl" && Y.Str(v, "mountPath") == "/run/redis");
        Assert.Contains("--user", string.Join(" ", Y.SeqAt(c, "readinessProbe.exec.command").Cast<string>()));
    }

    [Fact]
    public void Redis_started_as_the_chart_starts_it_answers_only_its_acl_user()
    {
        using var redis = new RedisBackupTests.RedisFixture(); // redis-start.sh + the repo's redis.conf, as the chart runs it

        var anonymous = Proc.Run(Tools.RedisCli, ["-h", "127.0.0.1", "-p", redis.Port.ToString(), "PING"]);
        Assert.Contains("NOAUTH", anonymous.StdOut + anonymous.StdErr);
        var wrong = Proc.Run(Tools.RedisCli, ["-h", "127.0.0.1", "-p", redis.Port.ToString(), "--user", "tanks", "PING"],
            new Dictionary<string, string?> { ["REDISCLI_AUTH"] = "not-the-password" });
        Assert.Contains("WRONGPASS", wrong.StdOut + wrong.StdErr);
        var asDefault = Proc.Run(Tools.RedisCli, ["-h", "127.0.0.1", "-p", redis.Port.ToString(), "--user", "default", "PING"],
            new Dictionary<string, string?> { ["REDISCLI_AUTH"] = redis.Password });
        Assert.DoesNotContain("PONG", asDefault.StdOut);
        Assert.Equal("PONG", redis.Cli("PING"));

        // The ACL file holds the password's SHA-256 only, and only the server's user may read it.
        var acl = File.ReadAllText(redis.AclFile);
        Assert.DoesNotContain(redis.Password, acl);
        Assert.Contains("user default off", acl);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(redis.AclFile));
        }

        // No password, no Redis: the start script stops with one line.
        var env = redis.StartEnvironment;
        env["REDIS_PASSWORD"] = "";
        var none = Proc.Run("sh", [Repo.Path("deploy", "redis", "redis-start.sh"), "/nonexistent.conf"], env, TimeSpan.FromSeconds(10));
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("REDIS_PASSWORD is not set", none.StdErr);

        // The config without its ACL file (redis-server started by hand) refuses to start instead of running open.
        using var tmp = new TempDir("tanks-redis-noacl-");
        var conf = Repo.Read("deploy", "redis", "redis.conf").Replace("\ndir /data\n", $"\ndir {tmp.Path}\n", StringComparison.Ordinal)
            .Replace("/run/redis/users.acl", tmp.File("missing.acl"), StringComparison.Ordinal);
        File.WriteAllText(tmp.File("redis.conf"), conf);
        var bare = Proc.Run(Tools.RedisServer, [tmp.File("redis.conf"), "--port", Proc.FreeTcpPort().ToString(), "--bind", "127.0.0.1"], timeout: TimeSpan.FromSeconds(20));
        Assert.NotEqual(0, bare.ExitCode);
        Assert.Contains("ACL", bare.StdOut + bare.StdErr);
    }

    [Fact]
    public void Network_policies_admit_only_silos_gateways_backup_jobs_the_front_and_prometheus()
    {
        var ms = Helm.Render(null);
        var policies = ms.Where(m => m.Kind == "NetworkPolicy").ToList();
        Assert.Equal(
            new[] { $"{F}-front", $"{F}-gateway-tcp", $"{F}-gateway-udp", $"{F}-redis", $"{F}-silo" },
            policies.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var p in policies)
        {
            Assert.Equal(["Ingress"], Y.SeqAt(p.Doc, "spec.policyTypes").Cast<string>());
            var component = p.Name[(F.Length + 1)..];
            Assert.Equal(component, Y.MapAt(p.Doc, "spec.podSelector.matchLabels")["app.kubernetes.io/component"]);
        }

        var redis = Rules(policies.Single(p => p.Name == $"{F}-redis"));
        Assert.Equal(["backup", "gateway-tcp", "gateway-udp", "restore", "silo"], Components(redis["redis"]));
        AssertPrometheus(redis["metrics"]);

        var silo = Rules(policies.Single(p => p.Name == $"{F}-silo"));
        Assert.Equal(["silo"], Components(silo["silo"]));
        Assert.Equal(["gateway-tcp", "gateway-udp", "silo"], Components(silo["orleans-gw"]));
        AssertPrometheus(silo["http"]);
        Assert.Equal(3, silo.Count);

        foreach (var kind in new[] { "tcp", "udp" })
        {
            var gateway = Rules(policies.Single(p => p.Name == $"{F}-gateway-{kind}"));
            Assert.Equal(["front"], Components(gateway["game"]));
            AssertPrometheus(gateway["metrics"]);
        }

        // The front: the LoadBalancer's path, open to anyone (no "from").
        var front = Y.SeqAt(policies.Single(p => p.Name == $"{F}-front").Doc, "spec.ingress").Cast<Dictionary<string, object?>>().Single();
        Assert.Null(Y.At(front, "from"));
        Assert.Equal(["tcp-game", "udp-game"], Y.SeqAt(front, "ports").Select(x => Y.Str(x, "port")!).Order(StringComparer.Ordinal));

        // Every named port a policy admits exists on the pods it selects.
        foreach (var (policy, workload, container) in new[] { ("redis", ("StatefulSet", $"{F}-redis"), "redis"), ("silo", ("Deployment", $"{F}-silo"), "silo"), ("gateway-udp", ("Deployment", $"{F}-gateway-udp"), "gateway"), ("front", ("Deployment", $"{F}-front"), "nginx") })
        {
            var w = ms.One(workload.Item1, workload.Item2);
            var names = Y.SeqAt(w.PodSpec(), "containers").SelectMany(c => Y.SeqAt(c, "ports")).Select(x => Y.Str(x, "name")).ToHashSet();
            foreach (var rule in Y.SeqAt(policies.Single(p => p.Name == $"{F}-{policy}").Doc, "spec.ingress"))
            {
                foreach (var port in Y.SeqAt(rule, "ports"))
                {
                    Assert.Contains(Y.Str(port, "port"), names);
                }
            }
        }

        // Prometheus is chosen in values.
        var custom = Helm.Template(null, "--set", "networkPolicy.prometheus.namespaceSelector.matchLabels.team=obs");
        var silo2 = Rules(Helm.Parse(custom.StdOut).One("NetworkPolicy", $"{F}-silo"));
        Assert.Equal("obs", Y.Str(Y.Seq(silo2["http"]).Single(), "namespaceSelector.matchLabels.team"));
    }

    [Fact]
    public void Network_policies_follow_the_deployment_shape_and_can_be_turned_off()
    {
        // External Redis, no front (a cloud load balancer straight to the gateways): no Redis policy, the game port open.
        var ms = Helm.Render("external-redis-values.yaml");
        var names = ms.Where(m => m.Kind == "NetworkPolicy").Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"{F}-gateway-tcp", $"{F}-silo"], names);
        var gateway = Y.SeqAt(ms.One("NetworkPolicy", $"{F}-gateway-tcp").Doc, "spec.ingress").Cast<Dictionary<string, object?>>();
        Assert.Null(Y.At(gateway.Single(r => Y.Str(Y.SeqAt(r, "ports").Single(), "port") == "game"), "from"));

        var off = Helm.Template(null, "--set", "networkPolicy.enabled=false");
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.DoesNotContain(Helm.Parse(off.StdOut), m => m.Kind == "NetworkPolicy");
    }

    [Fact]
    public void Pods_listen_on_every_interface_while_the_code_defaults_to_loopback()
    {
        var ms = Helm.Render(null);
        Assert.Equal("*", Y.Str(ms.One("Deployment", $"{F}-silo").Container("silo").Env("Cluster__ListenAddress"), "value"));
        Assert.Equal("*", Y.Str(ms.One("Deployment", $"{F}-gateway-tcp").Container("gateway").Env("TcpGateway__ListenAddress"), "value"));
        Assert.Equal("*", Y.Str(ms.One("Deployment", $"{F}-gateway-udp").Container("gateway").Env("UdpGateway__ListenAddress"), "value"));

        var siloImage = Repo.Read("Dockerfile.silo");
        Assert.Contains("ASPNETCORE_URLS=http://0.0.0.0:8080", siloImage);
        Assert.Contains("Cluster__ListenAddress=*", siloImage);
        var gatewayImage = Repo.Read("Dockerfile.gateway");
        Assert.Contains("TcpGateway__ListenAddress=*", gatewayImage);
        Assert.Contains("UdpGateway__ListenAddress=*", gatewayImage);

        Assert.Contains("\"Urls\": \"http://127.0.0.1:8080\"", Repo.Read("Silo", "appsettings.json"));
        Assert.Contains("\"ListenAddress\": \"127.0.0.1\"", Repo.Read("Gateway.Tcp", "appsettings.json"));
        foreach (var options in new[] { new[] { "Gateway.Tcp", "TcpGatewayOptions.cs" }, ["Gateway.Udp", "UdpGatewayOptions.cs"], ["ServiceDefaults", "ClusterOptions.cs"] })
        {
            Assert.Contains("public string ListenAddress { get; set; } = \"127.0.0.1\";", Repo.Read(options));
        }
    }

    [Fact]
    public void Compose_requires_a_redis_password_and_gives_it_to_every_client()
    {
        var text = Repo.Read("docker-compose.yml");
        var services = Y.Map(Y.Map(Yaml.Load(text))["services"]);
        const string required = "${TANKS_REDIS_PASSWORD:?";
        var redis = Y.Map(services["redis"]);
        Assert.Contains("redis-start.sh", string.Join(" ", Y.Seq(redis["command"]).Cast<string>()));
        Assert.StartsWith(required, Y.Str(redis, "environment.REDIS_PASSWORD"));
        Assert.Contains("--user tanks", string.Join(" ", Y.Seq(Y.At(redis, "healthcheck.test")).Cast<string>()));
        Assert.StartsWith(required, Y.Str(services["redis-exporter"], "environment.REDIS_PASSWORD"));
        Assert.StartsWith(required, Y.Str(services["redis-backup"], "environment.REDISCLI_AUTH"));
        Assert.Contains($"Redis__Password: {required}", text); // the anchor every silo and gateway merges
        Assert.DoesNotMatch(new Regex(@"redis-cli[^\n]*(\s-a\s|--pass\b)"), text);
    }

    private static void AssertFromSecret(Dictionary<string, object?> container, string name)
    {
        var env = container.Env(name);
        Assert.Null(Y.At(env, "value"));
        Assert.Equal($"{F}-secrets", Y.Str(env, "valueFrom.secretKeyRef.name"));
        Assert.Equal("redis-password", Y.Str(env, "valueFrom.secretKeyRef.key"));
    }

    /// <summary>Ingress rules by the (single) named port each admits → its "from" peers.</summary>
    private static Dictionary<string, object?> Rules(Manifest policy)
        => Y.SeqAt(policy.Doc, "spec.ingress").ToDictionary(r => Y.Str(Y.SeqAt(r, "ports").Single(), "port")!, r => Y.At(r, "from"));

    /// <summary>The components a peer list admits (release pods selected by app.kubernetes.io/component).</summary>
    private static List<string> Components(object? from)
    {
        var peer = Y.Seq(from).Single();
        Assert.Null(Y.At(peer, "namespaceSelector")); // this namespace only
        var expressions = Y.SeqAt(peer, "podSelector.matchExpressions");
        Assert.Contains(expressions, e => Y.Str(e, "key") == "app.kubernetes.io/instance" && Y.SeqAt(e, "values").Cast<string>().SequenceEqual([Helm.Release]));
        var component = expressions.Single(e => Y.Str(e, "key") == "app.kubernetes.io/component");
        Assert.Equal("In", Y.Str(component, "operator"));
        return Y.SeqAt(component, "values").Cast<string>().Order(StringComparer.Ordinal).ToList();
    }

    private static void AssertPrometheus(object? from)
    {
        var peer = Y.Seq(from).Single();
        Assert.Equal("monitoring", Y.MapAt(peer, "namespaceSelector.matchLabels")["kubernetes.io/metadata.name"]);
        Assert.Equal("prometheus", Y.MapAt(peer, "podSelector.matchLabels")["app.kubernetes.io/name"]);
    }
}
