using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.SiloHost;

/// <summary>The silo's HTTP port: health, Prometheus metrics (with Orleans' meter), the dashboard behind credentials.</summary>
[Collection(SharedStackCollection.Name)]
public sealed class SiloHostTests(SharedStack shared)
{
    private string Url(string path) => $"http://127.0.0.1:{shared.Stack.SiloHttpPort}{path}";

    [Fact]
    public async Task Health_endpoints_answer()
    {
        using var http = new HttpClient();
        Assert.Equal("Healthy", await http.GetStringAsync(Url("/health/live")));
        Assert.Equal("Healthy", await http.GetStringAsync(Url("/health/ready")));
    }

    [Fact]
    public async Task Metrics_include_orleans_and_account_counters_in_prometheus_format()
    {
        await using (var client = await Tanks.Client.Auth.AuthClient.ConnectAsync("127.0.0.1", shared.Gateway.Port))
        {
            await client.RegisterAsync("m" + Guid.NewGuid().ToString("N")[..12], "correct horse battery");
        }

        using var http = new HttpClient();
        var response = await http.GetAsync(Url("/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("# TYPE tanks_accounts_registered_total counter", text);
        Assert.Contains("tanks_logins_total", text);
        Assert.Contains("microsoft_orleans_orleans_catalog_activations", text);
        Assert.Contains("process_cpu_seconds_total", text);
        var registered = text.Split('\n').Single(l => l.StartsWith("tanks_accounts_registered_total ", StringComparison.Ordinal));
        Assert.True(double.Parse(registered.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task The_dashboard_needs_the_configured_credentials()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        var anonymous = await http.GetAsync(Url("/dashboard"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString());

        var wrong = new HttpRequestMessage(HttpMethod.Get, Url("/dashboard"));
        wrong.Headers.Authorization = Basic(TanksStack.DashboardUser, "not-the-password");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);

        var page = new HttpRequestMessage(HttpMethod.Get, Url("/dashboard/"));
        page.Headers.Authorization = Basic(TanksStack.DashboardUser, TanksStack.DashboardPassword);
        var ok = await http.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await ok.Content.ReadAsStringAsync());

        // The data API behind the page is protected too, and answers once authenticated.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(Url("/dashboard/DashboardCounters"))).StatusCode);
        var counters = new HttpRequestMessage(HttpMethod.Get, Url("/dashboard/DashboardCounters"));
        counters.Headers.Authorization = Basic(TanksStack.DashboardUser, TanksStack.DashboardPassword);
        var data = await http.SendAsync(counters);
        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
        Assert.Contains("\"totalActiveHostCount\"", await data.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_silo_says_first_that_embedded_data_does_not_survive_a_restart()
    {
        await Task.Yield();
        var firstLine = shared.Stack.Silo.Output.Split('\n').First(l => l.Trim().Length > 0);
        Assert.Contains("EMBEDDED MODE", firstLine);
        Assert.Contains("NOT survive a restart", firstLine);
        Assert.DoesNotContain(TanksStack.DashboardPassword, shared.Stack.Silo.Output);
    }

    private static AuthenticationHeaderValue Basic(string user, string password)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
