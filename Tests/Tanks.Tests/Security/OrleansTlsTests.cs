using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;
using Tanks.Grains;
using Tanks.Grains.Interfaces;
using Tanks.ServiceDefaults;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Security;

/// <summary>
/// A silo with Orleans TLS on, on real loopback sockets, and the certificates the tests use: one CA, a member
/// certificate it issued, and a certificate of another CA with the same names (only the signature differs).
/// </summary>
public sealed class TlsSiloFixture : IAsyncLifetime
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("tanks-tls-").FullName;
    private OrleansTlsTestAuthority _ca = null!;

    /// <summary>A scratch directory for certificate files, removed with the fixture.</summary>
    public string Directory => _dir;
    private OrleansTlsTestAuthority _foreignCa = null!;

    public OrleansTlsOptions Member { get; private set; } = null!;

    public OrleansTlsOptions Foreign { get; private set; } = null!;

    public IHost Silo { get; private set; } = null!;

    public IPEndPoint SiloEndpoint { get; } = new(IPAddress.Loopback, FreePort.Next());

    public IPEndPoint GatewayEndpoint { get; } = new(IPAddress.Loopback, FreePort.Next());

    public string ClusterId { get; } = "tls-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>What the silo logged at Warning and above.</summary>
    public ConcurrentQueue<string> SiloWarnings { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _ca = OrleansTlsTestAuthority.Create("tanks-test-ca");
        _foreignCa = OrleansTlsTestAuthority.Create("tanks-test-ca");
        using (var member = _ca.Issue("tanks-member"))
        {
            Member = _ca.WriteMember(member, Path.Combine(_dir, "member"));
        }

        using (var stranger = _foreignCa.Issue("tanks-member"))
        {
            Foreign = _foreignCa.WriteMember(stranger, Path.Combine(_dir, "foreign"));
        }

        Silo = BuildSilo(Member, SiloEndpoint, GatewayEndpoint, SiloWarnings);
        await Silo.StartAsync().WaitAsync(OrleansTlsTests.Bound);
    }

    /// <summary>A silo of this cluster (memory storage, the Tanks grains) with these TLS settings.</summary>
    public IHost BuildSilo(OrleansTlsOptions tls, IPEndPoint silo, IPEndPoint gateway, ConcurrentQueue<string>? warnings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (warnings is not null)
        {
            builder.Logging.AddProvider(new CollectingLoggerProvider(warnings.Enqueue));
        }

        builder.UseOrleans(s =>
        {
            s.UseLocalhostClustering(silo.Port, gateway.Port, null, "tanks-tls-tests", ClusterId);
            s.AddMemoryGrainStorage(StorageNames.Accounts);
            s.AddMemoryGrainStorage(StorageNames.Battles);
            s.AddTanksGrains();
            s.UseOrleansTls(tls);
        });
        return builder.Build();
    }

    /// <summary>An Orleans client of this cluster; <paramref name="tls"/> sets up its TLS (or none); its warnings go to <paramref name="warned"/>.</summary>
    public IHost BuildClient(Action<IClientBuilder> tls, Action<string>? warned = null, IPEndPoint? gateway = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (warned is not null)
        {
            builder.Logging.AddProvider(new CollectingLoggerProvider(warned));
        }
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(gateway ?? GatewayEndpoint)
                .Configure<Orleans.Configuration.ClusterOptions>(o =>
                {
                    o.ClusterId = ClusterId;
                    o.ServiceId = "tanks-tls-tests";
                });
            tls(client);
        });
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await Silo.StopAsync();
        Silo.Dispose();
        _ca.Dispose();
        _foreignCa.Dispose();
        System.IO.Directory.Delete(_dir, recursive: true);
    }

    private sealed class CollectingLoggerProvider(Action<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Collector(lines);

        public void Dispose()
        {
        }

        private sealed class Collector(Action<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lines(formatter(state, exception));
                }
            }
        }
    }
}

/// <summary>
/// Mutual TLS between Orleans processes: a member with a certificate of the cluster's CA connects and calls grains; a
/// client with no TLS, with TLS but no certificate, or with a certificate of another CA is refused at the handshake (a
/// silo with another CA's certificate: OrleansTlsProcessTests, as a process, since a silo whose start failed cannot be
/// stopped in-process).
/// </summary>
public sealed class OrleansTlsTests(TlsSiloFixture cluster) : IClassFixture<TlsSiloFixture>
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_client_with_a_certificate_of_the_cluster_CA_calls_a_grain()
    {
        using var host = cluster.BuildClient(c => c.UseOrleansTls(cluster.Member));
        await host.StartAsync().WaitAsync(Bound);

        var profile = await UserGrain(host).GetProfileAsync().WaitAsync(Bound);

        Assert.Null(profile); // answered by the silo: no such account
        await host.StopAsync();
    }

    [Fact]
    public async Task A_client_without_TLS_cannot_connect()
    {
        await AssertRefusedAsync(_ => { });
    }

    [Fact]
    public async Task A_TLS_client_that_presents_no_certificate_cannot_connect()
    {
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        authorities.ImportFromPemFile(cluster.Member.CaCertificatePath!);
        await AssertRefusedAsync(c => c.UseTls(tls =>
        {
            // Trusts the silo (its certificate chains to the CA) but has no certificate of its own to show.
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.NoCertificate;
            tls.RemoteCertificateValidation = (certificate, _, _) =>
            {
                using var chain = OrleansTlsPeerValidator.CreateChain(authorities, []);
                return chain.Build(certificate);
            };
        }));
    }

    [Fact]
    public async Task A_client_with_a_certificate_of_another_CA_cannot_connect()
    {
        await AssertRefusedAsync(c => c.UseOrleansTls(cluster.Foreign));
    }

    [Fact]
    public async Task A_client_that_trusts_the_silo_but_presents_a_certificate_of_another_CA_is_refused_by_the_silo()
    {
        // Unlike the client above (which already refuses the silo's certificate), this one finishes its side of the
        // handshake, so the refusal is the silo's own check of the client's certificate.
        var credentials = OrleansTlsCredentials.Load(cluster.Member);
        var stranger = OrleansTlsCredentials.Load(cluster.Foreign).Certificate;
        cluster.SiloWarnings.Clear(); // this class's tests run one at a time
        await AssertRefusedAsync(c => c.UseTls(stranger, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = new OrleansTlsPeerValidator(credentials).Validate;
        }));

        Assert.Contains(cluster.SiloWarnings, line => line.StartsWith("Orleans TLS: refused a peer's certificate 'CN=tanks-member'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_certificates_the_chart_issues_let_a_silo_and_a_client_talk()
    {
        var chart = ChartCertificates(Path.Combine(cluster.Directory, "chart"));
        var gateway = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        using var silo = cluster.BuildSilo(chart, new IPEndPoint(IPAddress.Loopback, FreePort.Next()), gateway);
        await silo.StartAsync().WaitAsync(Bound);
        using var client = cluster.BuildClient(c => c.UseOrleansTls(chart), gateway: gateway);
        await client.StartAsync().WaitAsync(Bound);

        Assert.Null(await UserGrain(client).GetProfileAsync().WaitAsync(Bound));

        await client.StopAsync();
        await silo.StopAsync();
    }

    /// <summary>The chart's generated Secret (helm template) written out as the files the pods mount.</summary>
    private static OrleansTlsOptions ChartCertificates(string directory)
    {
        var helm = RequiredTool.Find("helm", "bash .ci/install-tools.sh installs it into .tools/bin");
        var info = new System.Diagnostics.ProcessStartInfo(helm, ["template", "t", Path.Combine(Repo.Root, "helm", "tanks"),
            "--namespace", "games", "--show-only", "templates/orleans-tls-secret.yaml"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var yaml = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000) && process.ExitCode == 0, errors);

        Directory.CreateDirectory(directory);
        foreach (var key in new[] { "ca.crt", "tls.crt", "tls.key" })
        {
            var value = System.Text.RegularExpressions.Regex.Match(yaml, $@"^  {System.Text.RegularExpressions.Regex.Escape(key)}: (\S+)$",
                System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value;
            File.WriteAllBytes(Path.Combine(directory, key), Convert.FromBase64String(value));
        }

        return new OrleansTlsOptions
        {
            Enabled = true,
            CertificatePath = Path.Combine(directory, "tls.crt"),
            KeyPath = Path.Combine(directory, "tls.key"),
            CaCertificatePath = Path.Combine(directory, "ca.crt"),
        };
    }

    private static IUserGrain UserGrain(IHost host)
        => host.Services.GetRequiredService<IClusterClient>().GetGrain<IUserGrain>("tls-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// The client's connection attempts are refused (it logs a failed attempt) and it never connects: the start that would
    /// retry forever is cancelled once a refusal is seen, and ends without a connection, well inside the bound.
    /// </summary>
    private async Task AssertRefusedAsync(Action<IClientBuilder> tls)
    {
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = cluster.BuildClient(tls, line =>
        {
            if (line.StartsWith("Connection attempt to endpoint", StringComparison.Ordinal) && line.EndsWith("failed", StringComparison.Ordinal))
            {
                refused.TrySetResult();
            }
        });
        using var stop = new CancellationTokenSource();
        var start = host.StartAsync(stop.Token);

        await Task.WhenAny(start, refused.Task).WaitAsync(Bound);
        Assert.False(start.IsCompletedSuccessfully, "the client connected");
        Assert.True(refused.Task.IsCompleted, "no connection attempt was refused");

        stop.Cancel();
        var ended = await Record.ExceptionAsync(() => start.WaitAsync(Bound));
        Assert.NotNull(ended); // cancelled (or failed) before ever connecting
        Assert.IsNotType<TimeoutException>(ended);
    }
}
