using System.Diagnostics;
using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Tanks.Tests.Infrastructure;
using Tanks.Tests.Operations;

using static Tanks.Tests.Infrastructure.HeadlessChromium;

namespace Tanks.Tests.Battles;

/// <summary>
/// The live battle viewer in real headless Chromium (Debian chromium + chromium-driver through Selenium), against a duel
/// two clients drive: refused without credentials; with them the page lists the battle, draws it on its canvas from the
/// SSE stream, the picture moves between two screenshots, the tank count it shows is the battle's, and the feed shows the
/// battle's own events (a shot, a hit with both players' names). Screenshots are kept in the test artifacts; the last,
/// mid-battle with a shell or an impact marker drawn, is the one in docs/viewer.png.
/// </summary>
[Collection(BattleStackCollection.Name)]
public sealed class BattleViewerBrowserTests(BattleStack shared)
{
    private static readonly TimeSpan ViewTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Viewer_page_lists_the_running_battle_and_draws_it_live_only_after_authenticating()
    {
        var (chromium, chromedriver) = HeadlessChromium.RequireTools();
        // Two circling light tanks that aim at each other (they hit now and then), firing once the page is live.
        await using var duel = await DrivenDuel.StartAsync(shared, holdFire: true, aim: true);
        var id = duel.BattleId.ToString();

        var baseUrl = $"http://127.0.0.1:{shared.Stack.SiloHttpPort}/viewer/";
        using var profile = new TempDirectory("tanks-chromium-");
        using var driver = HeadlessChromium.Start(chromium, chromedriver, profile.Path, 1120, 1060);
        var artifacts = OpsSupport.ArtifactDir();

        // 1. No credentials: the silo answers 401, no viewer in the DOM.
        Navigate(driver, baseUrl);
        Assert.Equal(401, NavigationStatus(driver));
        Assert.Empty(driver.FindElements(By.Id("battle")));
        var refusedShot = Path.Combine(artifacts, "battle-viewer-unauthenticated.png");
        Save(driver, refusedShot);

        // 2. The dashboard's credentials: the list shows the battle with its players.
        SetAuthorization(driver, TanksStack.DashboardUser, TanksStack.DashboardPassword);
        Navigate(driver, baseUrl);
        Assert.Equal(200, NavigationStatus(driver));
        var row = await WaitForAsync(driver, d => d.FindElements(By.CssSelector($"tr[data-battle-id='{id}']")).FirstOrDefault());
        Assert.True(row is not null, "the running battle never appeared in the list:\n" + BodyText(driver));
        foreach (var name in duel.Names)
        {
            Assert.Contains(name, row!.Text, StringComparison.Ordinal);
        }

        var listShot = Path.Combine(artifacts, "battle-viewer-list.png");
        Save(driver, listShot);

        // 3. Selecting it draws it: frames arrive, the status attributes fill in.
        row!.Click();
        var canvas = driver.FindElement(By.Id("battle"));
        var live = await WaitForAsync(driver, _ => Attribute(canvas, "data-state") == "live" && Number(canvas, "data-frames") >= 3 ? "yes" : null);
        Assert.True(live is not null, $"the canvas never went live (state {Attribute(canvas, "data-state")}, frames {Attribute(canvas, "data-frames")}):\n{BodyText(driver)}");
        Assert.Equal(id, Attribute(canvas, "data-battle-id"));
        duel.OpenFire();

        var firstTick = Number(canvas, "data-tick");
        Remember(driver);
        var firstShot = Path.Combine(artifacts, "battle-viewer-battle-1.png");
        Save(driver, firstShot);

        // 4. A second later (20 ticks on) the picture has moved: the tanks drive and turn.
        var later = await WaitForAsync(driver, _ => Number(canvas, "data-tick") >= firstTick + 20 ? "yes" : null);
        Assert.True(later is not null, $"ticks stopped at {Attribute(canvas, "data-tick")}");
        var changed = ChangedPixels(driver);
        var secondShot = Path.Combine(artifacts, "battle-viewer-battle-2.png");
        Save(driver, secondShot);
        Assert.True(changed > 50, $"only {changed} canvas pixels changed between the two screenshots");

        // 5. The page's tank count is the battle's.
        Assert.Equal(duel.Start.Players.Count, Number(canvas, "data-tank-count"));
        Assert.Equal(duel.TankCount(), Number(canvas, "data-tank-count"));
        Assert.InRange(Number(canvas, "data-tanks-alive"), 1, duel.Start.Players.Count);
        Assert.Equal(0, Number(canvas, "data-epoch"));
        Assert.Contains("left", driver.FindElement(By.Id("clock")).Text, StringComparison.Ordinal);
        Assert.Equal(2, driver.FindElements(By.CssSelector("#roster > div")).Count);

        // 6. The event feed, from the battle's events: a shot; a hit, "<shooter> hits <target> for <damage>" with the two
        //    players' names (the aimed light tanks hit within a few reloads of 2.5 s).
        var shot = await WaitForAsync(driver, d => d.FindElements(By.CssSelector("#feed li")).FirstOrDefault(li => li.Text.Contains("fires", StringComparison.Ordinal)));
        Assert.True(shot is not null, "no shot in the event feed:\n" + BodyText(driver));
        var names = string.Join("|", duel.Names.Select(System.Text.RegularExpressions.Regex.Escape));
        var hitLine = new System.Text.RegularExpressions.Regex($@"^\d+ ({names}) hits ({names}) for [1-9]\d*$");
        var hit = await WaitForAsync(driver, d => d.FindElements(By.CssSelector("#feed li")).Select(li => hitLine.Match(li.Text)).FirstOrDefault(m => m.Success));
        Assert.True(hit is not null, "no hit line with both players' names in the event feed:\n" + BodyText(driver));
        Assert.NotEqual(hit!.Groups[1].Value, hit.Groups[2].Value);
        Assert.True(Number(canvas, "data-events") >= 2, $"events counted: {Attribute(canvas, "data-events")}");

        // 7. Mid-battle: both tanks alive, an impact marker (a hit or a stopped shell, shown 0.8 s) on the canvas: the
        //    screenshot in docs/viewer.png.
        var drawn = await WaitForAsync(driver, _ => Number(canvas, "data-tanks-alive") == 2 && Number(canvas, "data-marks") > 0 ? "yes" : null);
        Assert.True(drawn is not null, $"no impact marker drawn while both tanks lived (alive {Attribute(canvas, "data-tanks-alive")})");
        Assert.True(Number(canvas, "data-effects") >= Number(canvas, "data-marks"));
        var feedShot = Path.Combine(artifacts, "battle-viewer-battle-3.png");
        Save(driver, feedShot);

        var message = $"Battle viewer screenshots: {refusedShot} {listShot} {firstShot} {secondShot} {feedShot} ({changed} pixels changed)";
        TestContext.Current.SendDiagnosticMessage(message);
        Console.WriteLine(message);
    }

    [Fact]
    public async Task Viewer_page_shows_a_teams_view_with_what_that_team_sees_and_marks_spotting_in_the_whole_view()
    {
        var (chromium, chromedriver) = HeadlessChromium.RequireTools();
        // Two light tanks in sight of each other at their spawns, that hide behind the west rock when told.
        await using var duel = await DrivenDuel.StartHidingAsync(shared);
        var id = duel.BattleId.ToString();
        using var profile = new TempDirectory("tanks-chromium-");
        using var driver = HeadlessChromium.Start(chromium, chromedriver, profile.Path, 1120, 1060);
        SetAuthorization(driver, TanksStack.DashboardUser, TanksStack.DashboardPassword);
        Navigate(driver, $"http://127.0.0.1:{shared.Stack.SiloHttpPort}/viewer/#{id}");
        var canvas = driver.FindElement(By.Id("battle"));

        // 1. Blue's view while both tanks stand in sight: both tanks.
        var select = driver.FindElement(By.Id("team"));
        await WaitForAsync(driver, _ => Attribute(canvas, "data-state") == "live" ? "yes" : null);
        driver.ExecuteScript("const s = document.getElementById('team'); s.value = '0'; s.dispatchEvent(new Event('change'));");
        var blueLive = await WaitForAsync(driver, _ => Attribute(canvas, "data-view") == "0" && Attribute(canvas, "data-state") == "live"
            && Number(canvas, "data-tank-count") == 2 ? "yes" : null);
        Assert.True(blueLive is not null, $"blue's view never went live with both tanks (view {Attribute(canvas, "data-view")}, tanks {Attribute(canvas, "data-tank-count")}):\n{BodyText(driver)}");
        Assert.Equal("0", select.GetAttribute("value"));

        // 2. They hide: blue's view loses red (one tank, the page's count is what blue's own client decodes), leaves a
        //    "last seen" ghost, and the feed says "blue lost sight of <red>".
        duel.Hide();
        var hidden = await WaitForAsync(driver, _ => Number(canvas, "data-tank-count") == 1 && Number(canvas, "data-ghosts") == 1 ? "yes" : null);
        Assert.True(hidden is not null, $"blue's view kept red (tanks {Attribute(canvas, "data-tank-count")}, ghosts {Attribute(canvas, "data-ghosts")})");
        var teamCount = await WaitForAsync(driver, _ => duel.TeamTankCount(0) == 1 ? "yes" : null);
        Assert.True(teamCount is not null, $"blue's client sees {duel.TeamTankCount(0)} tanks");
        Assert.Equal(duel.TeamTankCount(0), Number(canvas, "data-tank-count"));
        var lostLine = new System.Text.RegularExpressions.Regex($@"^\d+ blue lost sight of ({string.Join("|", duel.Names.Select(System.Text.RegularExpressions.Regex.Escape))})$");
        var lost = await WaitForAsync(driver, d => d.FindElements(By.CssSelector("#feed li")).Select(li => lostLine.Match(li.Text)).FirstOrDefault(m => m.Success));
        Assert.True(lost is not null, "no \"blue lost sight of\" line in the feed:\n" + BodyText(driver));
        Save(driver, Path.Combine(OpsSupport.ArtifactDir(), "battle-viewer-team-view.png"));

        // 3. The whole battle again: both tanks, both unseen by the other team (drawn dimmed, no eye).
        driver.ExecuteScript("const s = document.getElementById('team'); s.value = 'all'; s.dispatchEvent(new Event('change'));");
        var all = await WaitForAsync(driver, _ => Attribute(canvas, "data-view") == "all" && Number(canvas, "data-tank-count") == 2
            && Number(canvas, "data-hidden-tanks") == 2 ? "yes" : null);
        Assert.True(all is not null, $"the whole view did not mark both tanks unseen (tanks {Attribute(canvas, "data-tank-count")}, hidden {Attribute(canvas, "data-hidden-tanks")})");
        Assert.Equal(0, Number(canvas, "data-ghosts"));
        Save(driver, Path.Combine(OpsSupport.ArtifactDir(), "battle-viewer-spotting.png"));
    }

    /// <summary>Keeps the canvas's pixels now, for <see cref="ChangedPixels"/>.</summary>
    private static void Remember(ChromeDriver driver) => driver.ExecuteScript(
        "const c = document.getElementById('battle'); window.__viewerShot = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;");

    /// <summary>Canvas pixels that differ from the remembered ones.</summary>
    private static long ChangedPixels(ChromeDriver driver) => Convert.ToInt64(driver.ExecuteScript("""
        const c = document.getElementById('battle');
        const now = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, was = window.__viewerShot;
        let changed = 0;
        for (let i = 0; i < now.length; i += 4) {
          if (now[i] !== was[i] || now[i + 1] !== was[i + 1] || now[i + 2] !== was[i + 2]) changed++;
        }
        return changed;
        """), CultureInfo.InvariantCulture);

    private static string? Attribute(IWebElement element, string name)
    {
        try
        {
            return element.GetAttribute(name);
        }
        catch (WebDriverException)
        {
            return null;
        }
    }

    private static int Number(IWebElement element, string name)
        => int.TryParse(Attribute(element, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1;

    private static async Task<T?> WaitForAsync<T>(ChromeDriver driver, Func<ChromeDriver, T?> probe)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < ViewTimeout)
        {
            try
            {
                if (probe(driver) is { } found)
                {
                    return found;
                }
            }
            catch (WebDriverException)
            {
            }

            await Task.Delay(100);
        }

        return null;
    }
}
