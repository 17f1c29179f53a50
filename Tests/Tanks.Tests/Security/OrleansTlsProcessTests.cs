using Tanks.Client.Auth;
using Tanks.ServiceDefaults;
using Tanks.Tests.Configuration;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Security;

/// <summary>
/// Orleans TLS through the real processes' settings (OrleansTls__*): a silo and a Gateway.Tcp with certificates of one CA
/// serve a registration; TLS switched on with files missing or mismatched stops each process with one line, exit code 2.
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
