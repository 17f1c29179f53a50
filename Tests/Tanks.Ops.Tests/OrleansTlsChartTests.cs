using System.Security.Cryptography.X509Certificates;
using Tanks.Ops.Tests.Infrastructure;

namespace Tanks.Ops.Tests;

/// <summary>
/// The chart issues the Orleans TLS certificates: a Secret with a CA and a member certificate it signed, mounted into
/// the silo and both gateways (the CA's key stays in the Secret) with the OrleansTls__* settings; values switch it off
/// or name an existing Secret (cert-manager) instead.
/// </summary>
public sealed class OrleansTlsChartTests
{
    private const string F = Helm.Fullname;
    private const string Mount = "/etc/tanks/orleans-tls";
    private static readonly string[] Members = [$"{F}-silo", $"{F}-gateway-tcp", $"{F}-gateway-udp"];

    [Fact]
    public void The_generated_Secret_holds_a_CA_and_a_member_certificate_it_signed_for_server_and_client_auth()
    {
        var secret = Helm.Render(null).One("Secret", $"{F}-orleans-tls");
        Assert.Equal("kubernetes.io/tls", secret.Str("type"));
        Assert.Equal("keep", Annotation(secret, "helm.sh/resource-policy"));
        var data = Y.MapAt(secret.Doc, "data");
        Assert.Equal(["ca.crt", "ca.key", "tls.crt", "tls.key"], data.Keys.Order(StringComparer.Ordinal));

        using var ca = X509Certificate2.CreateFromPem(Pem(data, "ca.crt"));
        using var member = X509Certificate2.CreateFromPem(Pem(data, "tls.crt"), Pem(data, "tls.key")); // the key matches
        Assert.True(member.HasPrivateKey);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        var usages = member.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value);
        Assert.Contains("1.3.6.1.5.5.7.3.1", usages); // server auth: a silo accepting connections
        Assert.Contains("1.3.6.1.5.5.7.3.2", usages); // client auth: a silo or gateway dialling a silo

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(member), string.Join(", ", chain.ChainStatus.Select(s => s.Status)));
        Assert.InRange(member.NotAfter, DateTime.Now.AddDays(800), DateTime.Now.AddDays(826)); // validityDays 825
    }

    [Fact]
    public void Template_alone_regenerates_the_CA_only_an_install_or_upgrade_keeps_it_through_lookup()
    {
        var first = Y.MapAt(Helm.Render(null).One("Secret", $"{F}-orleans-tls").Doc, "data");
        var again = Y.MapAt(Helm.Parse(Helm.Template(null).StdOut).One("Secret", $"{F}-orleans-tls").Doc, "data");

        Assert.NotEqual(first["ca.crt"], again["ca.crt"]); // nothing to look up under `helm template`: a new CA each time
        var template = Repo.Read("helm", "tanks", "templates", "orleans-tls-secret.yaml");
        Assert.Contains("lookup \"v1\" \"Secret\"", template);
        Assert.Contains("buildCustomCert (get $data \"ca.crt\") (get $data \"ca.key\")", template); // the kept CA signs renewals
    }

    [Theory]
    [InlineData("(defaults)")]
    [InlineData("production-values.yaml")]
    public void Silo_and_gateways_mount_the_Secret_without_the_CA_key_and_turn_TLS_on(string scenario)
    {
        var ms = Helm.Render(scenario == "(defaults)" ? null : scenario);
        foreach (var name in Members)
        {
            var deployment = ms.One("Deployment", name);
            var container = Y.SeqAt(deployment.PodSpec(), "containers").Cast<Dictionary<string, object?>>().First();
            Assert.Equal("true", Y.Str(container.Env("OrleansTls__Enabled"), "value"));
            Assert.Equal($"{Mount}/tls.crt", Y.Str(container.Env("OrleansTls__CertificatePath"), "value"));
            Assert.Equal($"{Mount}/tls.key", Y.Str(container.Env("OrleansTls__KeyPath"), "value"));
            Assert.Equal($"{Mount}/ca.crt", Y.Str(container.Env("OrleansTls__CaCertificatePath"), "value"));
            var mount = Y.SeqAt(container, "volumeMounts").Cast<Dictionary<string, object?>>().Single(m => Y.Str(m, "name") == "orleans-tls");
            Assert.Equal(Mount, Y.Str(mount, "mountPath"));
            var volume = deployment.Volume("orleans-tls");
            Assert.Equal($"{F}-orleans-tls", Y.Str(volume, "secret.secretName"));
            Assert.Equal(["ca.crt", "tls.crt", "tls.key"], Y.SeqAt(volume, "secret.items").Select(i => Y.Str(i, "key")!).Order(StringComparer.Ordinal));
            Assert.NotNull(Annotation(deployment, "checksum/orleans-tls", template: true)); // a renewed certificate rolls the pods
        }
    }

    [Fact]
    public void Switched_off_there_is_no_Secret_and_every_process_is_told_so()
    {
        var ms = Helm.Parse(Render("orleansTls.enabled=false"));

        Assert.DoesNotContain(ms, m => m.Kind == "Secret" && m.Name == $"{F}-orleans-tls");
        foreach (var name in Members)
        {
            var deployment = ms.One("Deployment", name);
            var container = Y.SeqAt(deployment.PodSpec(), "containers").Cast<Dictionary<string, object?>>().First();
            Assert.Equal("false", Y.Str(container.Env("OrleansTls__Enabled"), "value"));
            Assert.False(container.HasEnv("OrleansTls__CertificatePath"));
            Assert.DoesNotContain(Y.SeqAt(deployment.PodSpec(), "volumes").Cast<Dictionary<string, object?>>(), v => Y.Str(v, "name") == "orleans-tls");
        }
    }

    [Fact]
    public void An_existing_Secret_such_as_cert_managers_replaces_the_generated_CA()
    {
        var ms = Helm.Parse(Render("orleansTls.existingSecret=tanks-orleans-cert"));

        Assert.DoesNotContain(ms, m => m.Kind == "Secret" && m.Name == $"{F}-orleans-tls");
        foreach (var name in Members)
        {
            var deployment = ms.One("Deployment", name);
            Assert.Equal("tanks-orleans-cert", Y.Str(deployment.Volume("orleans-tls"), "secret.secretName"));
            Assert.Null(Annotation(deployment, "checksum/orleans-tls", template: true)); // cert-manager's Secret is not ours to watch
        }
    }

    [Fact]
    public void The_external_redis_scenario_takes_its_certificates_from_cert_manager()
    {
        var ms = Helm.Render("external-redis-values.yaml");

        Assert.DoesNotContain(ms, m => m.Kind == "Secret");
        Assert.Equal("tanks-prod-orleans-tls", Y.Str(ms.One("Deployment", $"{F}-silo").Volume("orleans-tls"), "secret.secretName"));
    }

    [Fact]
    public void Lint_strict_passes_with_TLS_off_and_with_an_existing_Secret()
    {
        foreach (var set in new[] { "orleansTls.enabled=false", "orleansTls.existingSecret=tanks-orleans-cert" })
        {
            var r = Proc.Run(Tools.Helm, ["lint", "--strict", Helm.ChartDir, "--set", set]);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
    }

    private static string Render(string set)
    {
        var r = Helm.Template(null, "--set", set);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.StdOut;
    }

    private static string Pem(Dictionary<string, object?> data, string key)
        => System.Text.Encoding.ASCII.GetString(Convert.FromBase64String((string)data[key]!));

    private static string? Annotation(Manifest m, string key, bool template = false)
        => (Y.At(m.Doc, template ? "spec.template.metadata.annotations" : "metadata.annotations") as Dictionary<string, object?>)?.GetValueOrDefault(key) as string;
}
