using System.Text;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Tanks.Tests.Infrastructure;

/// <summary>
/// Headless Chromium through Selenium for the browser tests (the Orleans Dashboard, the battle viewer): Debian's
/// chromium + chromium-driver, a throw-away profile, Basic credentials sent on every request through CDP.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>Finds chromium and chromedriver (a missing one fails in CI, skips elsewhere, naming what to install).</summary>
    public static (string Chromium, string Chromedriver) RequireTools() => (
        RequiredTool.Find("chromium", "apt-get install -y chromium chromium-driver, or .ci/install-tools.sh"),
        RequiredTool.Find("chromedriver", "apt-get install -y chromium-driver, or .ci/install-tools.sh"));

    public static ChromeDriver Start(string chromium, string chromedriver, string profile, int width, int height)
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(chromedriver)!, Path.GetFileName(chromedriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--window-size={width},{height}",
            "--user-data-dir=" + profile);
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(20);
        driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(10);
        return driver;
    }

    /// <summary>Basic credentials on every request (the page's fetches and its EventSource too), as after the browser's prompt.</summary>
    public static void SetAuthorization(ChromeDriver driver, string user, string password)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        driver.ExecuteCdpCommand("Network.enable", []);
        driver.ExecuteCdpCommand("Network.setExtraHTTPHeaders", new Dictionary<string, object?>
        {
            ["headers"] = new Dictionary<string, object> { ["Authorization"] = "Basic " + basic },
        });
    }

    public static void Navigate(ChromeDriver driver, string url)
    {
        try
        {
            driver.Navigate().GoToUrl(url);
        }
        catch (WebDriverTimeoutException)
        {
            // An unanswered Basic-auth challenge can keep the load pending; the test's assertions decide.
        }
    }

    /// <summary>The HTTP status of the page's navigation (Navigation Timing's responseStatus; -1 if none).</summary>
    public static long NavigationStatus(ChromeDriver driver) => Convert.ToInt64(
        driver.ExecuteScript("const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseStatus : -1;"),
        System.Globalization.CultureInfo.InvariantCulture);

    public static string BodyText(ChromeDriver driver)
    {
        try
        {
            return driver.FindElement(By.TagName("body")).Text;
        }
        catch (WebDriverException)
        {
            return "";
        }
    }

    public static void Save(ChromeDriver driver, string path) => driver.GetScreenshot().SaveAsFile(path);
}
