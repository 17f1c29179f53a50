using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Tanks.Tests.Infrastructure;

using static Tanks.Tests.Infrastructure.HeadlessChromium;

namespace Tanks.Tests.Operations;

/// <summary>
/// Issue 6 check: the Orleans Dashboard served by the running silo renders its silo and grain views in headless
/// Chromium (Debian chromium + chromium-driver through Selenium) only with the dashboard credentials; without them,
/// or with a wrong password, the silo answers 401 and no dashboard is rendered. Screenshots are kept.
/// </summary>
[Collection(SharedStackCollection.Name)]
public sealed class OrleansDashboardBrowserTests(SharedStack shared)
{
    private static readonly TimeSpan ViewTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Dashboard_renders_silo_and_grain_views_only_after_authenticating()
    {
        var (chromium, chromedriver) = HeadlessChromium.RequireTools();

        // A UserGrain activation for the grain view to show.
        JsonAssert.IsOk(await OpsSupport.RequestAsync(shared.Gateway.Port,
            OpsSupport.Register(1, "dash_" + Guid.NewGuid().ToString("N")[..8], "correct horse battery")));

        var baseUrl = $"http://127.0.0.1:{shared.Stack.SiloHttpPort}/dashboard/";
        using var profile = new TempDirectory("tanks-chromium-");
        using var driver = HeadlessChromium.Start(chromium, chromedriver, profile.Path, 1400, 1000);
        var artifacts = OpsSupport.ArtifactDir();

        // 1. No credentials: 401 from the silo, nothing of the dashboard in the DOM.
        Navigate(driver, baseUrl);
        AssertRefused(driver, baseUrl);
        Save(driver, Path.Combine(artifacts, "orleans-dashboard-unauthenticated.png"));

        // 2. Wrong password: refused the same way.
        SetAuthorization(driver, TanksStack.DashboardUser, "not-the-password");
        Navigate(driver, baseUrl);
        AssertRefused(driver, baseUrl);

        // 3. The right credentials (sent on every request via CDP, as a reverse proxy or the browser would after
        //    the Basic prompt): the silo view shows this silo, the grain view the UserGrain type.
        SetAuthorization(driver, TanksStack.DashboardUser, TanksStack.DashboardPassword);
        Navigate(driver, baseUrl + "#/silos");
        var siloAddress = $"127.0.0.1:{shared.Stack.SiloPort}";
        var silos = await WaitForTextAsync(driver, siloAddress);
        Assert.True(silos, $"silo view never showed {siloAddress}:\n{BodyText(driver)}");
        var siloShot = Path.Combine(artifacts, "orleans-dashboard-silos.png");
        Save(driver, siloShot);

        Navigate(driver, baseUrl + "#/grains");
        var grains = await WaitForTextAsync(driver, "UserGrain");
        Assert.True(grains, "grain view never showed UserGrain:\n" + BodyText(driver));
        var grainShot = Path.Combine(artifacts, "orleans-dashboard-grains.png");
        Save(driver, grainShot);

        Assert.Equal("Orleans Dashboard", driver.Title);
        Assert.Equal(200, NavigationStatus(driver));
        Assert.Equal(200, FetchStatus(driver, baseUrl + "DashboardCounters"));
        TestContext.Current.SendDiagnosticMessage($"Orleans Dashboard screenshots: {siloShot} {grainShot}");
        Console.WriteLine($"Orleans Dashboard screenshots: {siloShot} {grainShot}");
    }

    private static void AssertRefused(ChromeDriver driver, string baseUrl)
    {
        // The browser's navigation got 401 (Navigation Timing's responseStatus), and the silo refuses the
        // dashboard's JSON API too.
        var source = driver.PageSource;
        Assert.True(NavigationStatus(driver) == 401, $"navigation status {NavigationStatus(driver)} at {driver.Url}:\n{source}");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, DirectStatus(baseUrl + "DashboardCounters"));
        Assert.DoesNotContain("app-wrapper", source, StringComparison.Ordinal);
        Assert.DoesNotContain("dashboard-sidebar", source, StringComparison.Ordinal);
        Assert.NotEqual("Orleans Dashboard", driver.Title);
    }

    private static System.Net.HttpStatusCode DirectStatus(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = http.GetAsync(url).GetAwaiter().GetResult();
        return response.StatusCode;
    }

    /// <summary>The HTTP status of a same-origin fetch from inside the page (with whatever the browser sends).</summary>
    private static long FetchStatus(ChromeDriver driver, string url)
    {
        var status = driver.ExecuteAsyncScript(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0], {cache: 'no-store'}).then(r => done(r.status), e => done(-1));", url);
        return Convert.ToInt64(status, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<bool> WaitForTextAsync(ChromeDriver driver, string text)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < ViewTimeout)
        {
            if (BodyText(driver).Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(250);
        }

        return false;
    }
}
