using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tanks.Client.Auth;
using Tanks.ServiceDefaults;
using Tanks.Tests.Configuration;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Security;

/// <summary>
/// Orleans TLS through the real processes' settings (OrleansTls__*): a silo and a Gateway.Tcp with certificates of one CA
/// serve a registration; a silo with another CA's certificate is refused and never joins; TLS switched on with files missing or mismatched stops each process with one line, exit code 2.
/// </summary>
public sealed class OrleansTlsProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tanks-tls-proc-").FullName;
    private readonly OrleansTlsTestAuthority _ca = OrleansTlsTestAuthority.Create("tanks-process-ca");

    [Fact]
    public async Task A_silo_and_a_TCP_gateway_with_certificates_of_the_cluster_CA_serve_a_registration()
    {
        var silo = Settings("silo");
        var gateway = Settings("gateway");
        await using var stack = await TanksStack.StartAsync(siloSettings: silo);
        var tcp = await stack.StartTcpGatewayAsync(gateway);

        await using var client = await AuthClient.ConnectAsync("127.0.0.1", tcp.Port);
        var registered = await client.RegisterAsync("tls" + Guid.NewGuid().ToString("N")[..10], "correct horse battery");

        Assert.True(registered.Ok, registered.Raw.ToString()); // the gateway reached the account's grain over TLS
        Assert.Contains("Orleans TLS on: this process presents 'CN=silo'", stack.Silo.Output);
        Assert.Contains("Orleans TLS on: this process presents 'CN=gateway'", stack.Gateways[0].Output);
    }

    [Theory]
    [InlineData("silo", "missing-settings")]
    [InlineData("silo", "missing-file")]
    [InlineData("silo", "another-ca")]
    [InlineData("tcp", "missing-file")]
    [InlineData("udp", "missing-key")]
    public async Task Tls_on_with_bad_files_exits_with_code_2_and_one_line_naming_the_setting(string host, string fault)
    {
        var settings = ExitingProcess.SafeSettings(host);
        settings["OrleansTls__Enabled"] = "true";
        var files = Settings("member");
        var (setting, expected) = fault switch
        {
            "missing-settings" => ("OrleansTls:CertificatePath", "is not set"),
            "missing-file" => ("OrleansTls:CertificatePath", Path.Combine(_dir, "nowhere", "tls.crt")),
            "missing-key" => ("OrleansTls:KeyPath", Path.Combine(_dir, "nowhere", "tls.key")),
            _ => ("OrleansTls:CertificatePath", "does not chain to the CA"),
        };
        if (fault != "missing-settings")
        {
            foreach (var (key, value) in files)
            {
                settings[key] = value;
            }
        }

        if (fault == "missing-file")
        {
            settings["OrleansTls__CertificatePath"] = expected;
        }
        else if (fault == "missing-key")
        {
            settings["OrleansTls__KeyPath"] = expected;
        }
        else if (fault == "another-ca")
        {
            using var other = OrleansTlsTestAuthority.Create("another-ca");
            settings["OrleansTls__CaCertificatePath"] = Path.Combine(_dir, "another-ca.crt");
            File.WriteAllText(settings["OrleansTls__CaCertificatePath"], other.Certificate.ExportCertificatePem());
        }

        var (exitCode, output) = await ExitingProcess.RunAsync(host, settings);

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        var line = Assert.Single(output.Split('\n'), l => l.Contains("configuration error", StringComparison.Ordinal));
        Assert.Contains(setting, line);
        Assert.Contains(expected, line);
        StartupErrorTests.AssertNoStackTrace(output);
    }

    [Fact]
    public async Task A_silo_with_a_certificate_of_another_CA_is_refused_and_never_becomes_a_member()
    {
        // A process of its own: an Orleans silo whose start failed cannot be stopped in-process (it stays "Starting",
        // dialling the cluster and busying this test process's thread pool); a process is killed outright.
        await using var redis = await RedisServer.StartAsync();
        await using var stack = await TanksStack.StartAsync(redis.ConnectionString, siloSettings: Settings("silo"));
        using var otherCa = OrleansTlsTestAuthority.Create("tanks-process-ca"); // the same name: only the signature differs
        using var strangerCertificate = otherCa.Issue("stranger");
        var foreign = otherCa.WriteMember(strangerCertificate, Path.Combine(_dir, "stranger"));
        var httpPort = FreePort.Next();
        var env = new Dictionary<string, string>
        {
            ["Cluster__ClusterId"] = stack.ClusterId,
            ["Cluster__ServiceId"] = "tanks-tests",
            ["Cluster__SiloPort"] = FreePort.Next().ToString(),
            ["Cluster__GatewayPort"] = FreePort.Next().ToString(),
            ["Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Redis__ConnectionString"] = redis.ConnectionString,
            ["Urls"] = $"http://127.0.0.1:{httpPort}",
            ["OrleansTls__Enabled"] = "true",
            ["OrleansTls__CertificatePath"] = foreign.CertificatePath!,
            ["OrleansTls__KeyPath"] = foreign.KeyPath!,
            ["OrleansTls__CaCertificatePath"] = foreign.CaCertificatePath!,
        };

        await using var stranger = TanksProcess.Start("stranger", Repo.ProcessDll("Silo", "Tanks.Silo.dll"), httpPort, env);
        await Eventually.UntilAsync(() => Task.FromResult(
            stack.Silo.Output.Contains("Orleans TLS: refused a peer's certificate 'CN=stranger'", StringComparison.Ordinal) ? "refused" : null));

        using var member = MemberClient(stack, Settings("member"));
        await member.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var hosts = await member.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0)
            .GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(stack.SiloPort, Assert.Single(hosts).Key.Endpoint.Port); // the stranger never became a member
        await member.StopAsync();
    }

    /// <summary>An Orleans client of the stack's cluster through its silo's gateway, with these OrleansTls__* settings.</summary>
    private static IHost MemberClient(TanksStack stack, Dictionary<string, string> tls)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, stack.OrleansGatewayPort))
                .Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = stack.ClusterId;
                    o.ServiceId = "tanks-tests";
                });
            client.UseOrleansTls(new OrleansTlsOptions
            {
                Enabled = true,
                CertificatePath = tls["OrleansTls__CertificatePath"],
                KeyPath = tls["OrleansTls__KeyPath"],
                CaCertificatePath = tls["OrleansTls__CaCertificatePath"],
            });
        });
        return builder.Build();
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The OrleansTls__* settings of a member whose certificate (CN = <paramref name="name"/>) the CA issued.</summary>
    private Dictionary<string, string> Settings(string name)
    {
        using var certificate = _ca.Issue(name);
        var options = _ca.WriteMember(certificate, Path.Combine(_dir, name));
        return new Dictionary<string, string>
        {
            ["OrleansTls__Enabled"] = "true",
            ["OrleansTls__CertificatePath"] = options.CertificatePath!,
            ["OrleansTls__KeyPath"] = options.KeyPath!,
            ["OrleansTls__CaCertificatePath"] = options.CaCertificatePath!,
        };
    }
}
