using System.Net;
using System.Text.Json;
using Tanks.Tests.Operations;

namespace Tanks.Tests.Battles;

/// <summary>
/// The silo's battle viewer API over plain HTTP, against a running duel: only with the dashboard's credentials, the list
/// and battle JSON, the SSE stream's frames with increasing ticks, the per-battle viewer limit, and the subscription
/// going away with the last browser.
/// </summary>
[Collection(BattleStackCollection.Name)]
public sealed class BattleViewerApiTests(BattleStack shared)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Viewer_api_lists_the_running_battle_describes_it_and_streams_its_frames_only_with_credentials()
    {
        await using var duel = await DrivenDuel.StartAsync(shared);
        var id = duel.BattleId;
        using var http = DrivenDuel.Http(shared);
        using var anonymous = DrivenDuel.Http(shared, user: null);
        using var wrong = DrivenDuel.Http(shared, password: "not-the-password");

        foreach (var path in new[] { "/viewer/", "/viewer/viewer.js", "/viewer/api/status", "/viewer/api/battles", $"/viewer/api/battles/{id}", $"/viewer/api/battles/{id}/stream" })
        {
            using var a = await anonymous.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode);
            Assert.StartsWith("Basic", a.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            using var w = await wrong.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, w.StatusCode);
        }

        // The page and its script, from the silo itself.
        var page = await http.GetStringAsync("/viewer/");
        Assert.Contains("<canvas id=\"battle\"", page, StringComparison.Ordinal);
        Assert.Contains("EventSource", await http.GetStringAsync("/viewer/viewer.js"), StringComparison.Ordinal);
        using (var redirect = await http.GetAsync("/viewer"))
        {
            Assert.Equal("/viewer/", redirect.RequestMessage!.RequestUri!.AbsolutePath); // followed to the slash
        }

        // The list: this battle with its map, players, tick and silo.
        JsonElement listed = default;
        Assert.True(await OpsSupport.EventuallyAsync(async () =>
        {
            using var list = JsonDocument.Parse(await http.GetStringAsync("/viewer/api/battles"));
            var match = list.RootElement.GetProperty("battles").EnumerateArray().Where(b => b.GetProperty("id").GetGuid() == id).ToArray();
            if (match.Length == 1 && match[0].GetProperty("tick").ValueKind == JsonValueKind.Number)
            {
                listed = match[0].Clone();
                return true;
            }

            return false;
        }, Timeout), "the running battle never appeared in /viewer/api/battles");
        Assert.Equal("duel", listed.GetProperty("map").GetString());
        Assert.Equal($"127.0.0.1:{shared.Stack.SiloPort}", listed.GetProperty("silo").GetString()!.Split('@')[0]);
        Assert.Equal(0, listed.GetProperty("epoch").GetInt32());
        Assert.Equal(duel.Names.Order(), listed.GetProperty("players").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).Order());
        Assert.All(listed.GetProperty("players").EnumerateArray(), p => Assert.Equal("light", p.GetProperty("class").GetString()));

        // The battle: players, classes and the map as data.
        using (var battle = JsonDocument.Parse(await http.GetStringAsync($"/viewer/api/battles/{id}")))
        {
            var root = battle.RootElement;
            Assert.Equal("duel", root.GetProperty("mapId").GetString());
            Assert.Equal(20, root.GetProperty("tickRate").GetInt32());
            Assert.False(root.GetProperty("over").GetBoolean());
            Assert.Equal(2, root.GetProperty("players").GetArrayLength());
            // From the battle's definition, as clients get it: its hash is the one BattleStart carried.
            var hash = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(hash, duel.Start.DefinitionHash);
            Assert.Equal(Convert.ToHexStringLower(hash), root.GetProperty("definitionHash").GetString());
            Assert.Equal(20, root.GetProperty("rules").GetProperty("tickRate").GetInt32());
            var classes = root.GetProperty("classes").EnumerateArray().ToArray();
            Assert.Equal(["light", "medium", "heavy"], classes.Select(c => c.GetProperty("name").GetString()));
            Assert.Equal(800, classes[0].GetProperty("hitPoints").GetInt32());
            Assert.Equal(2.4, classes[0].GetProperty("radius").GetDouble(), 3);
            var map = root.GetProperty("map");
            Assert.Equal(120, map.GetProperty("width").GetDouble());
            Assert.Equal(2, map.GetProperty("obstacles").GetArrayLength());
            Assert.Equal(2, map.GetProperty("spawns").GetArrayLength());
            Assert.Equal(8, map.GetProperty("base").GetProperty("radius").GetDouble());
        }

        using (var unknown = await http.GetAsync($"/viewer/api/battles/{Guid.NewGuid()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var unknownStream = await http.GetAsync($"/viewer/api/battles/{Guid.NewGuid()}/stream", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknownStream.StatusCode);
        }

        // The stream: frames of both tanks, ticks increasing, every other tick at most (10 frames/s of a 20 Hz battle).
        using (var stream = await SseStream.OpenAsync(http, $"/viewer/api/battles/{id}/stream"))
        {
            Assert.Equal("text/event-stream", stream.ContentType);
            var ticks = new List<uint>();
            while (ticks.Count < 12)
            {
                var (kind, data) = await stream.NextAsync(Timeout);
                Assert.Equal("frame", kind);
                using var frame = JsonDocument.Parse(data);
                ticks.Add(frame.RootElement.GetProperty("t").GetUInt32());
                Assert.Equal(2, frame.RootElement.GetProperty("k").GetArrayLength());
                Assert.Equal(0, frame.RootElement.GetProperty("e").GetInt32());
                Assert.Equal(2, frame.RootElement.GetProperty("c").GetArrayLength());
            }

            Assert.True(ticks.Zip(ticks.Skip(1)).All(p => p.Second > p.First), "ticks must increase: " + string.Join(",", ticks));
            var gaps = ticks.Zip(ticks.Skip(1)).Select(p => p.Second - p.First).ToArray();
            Assert.True(gaps.All(g => g >= 2), "10 frames/s of a 20 Hz battle: never two ticks in a row: " + string.Join(",", gaps));

            // Limits: this stack allows 3 streams of a battle (Viewer__MaxViewersPerBattle), the fourth is refused.
            using var second = await SseStream.OpenAsync(http, $"/viewer/api/battles/{id}/stream");
            using var third = await SseStream.OpenAsync(http, $"/viewer/api/battles/{id}/stream");
            using (var fourth = await http.GetAsync($"/viewer/api/battles/{id}/stream", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, fourth.StatusCode);
            }

            using var status = JsonDocument.Parse(await http.GetStringAsync("/viewer/api/status"));
            Assert.Equal(3, status.RootElement.GetProperty("viewers").GetInt32());
            Assert.Equal(1, status.RootElement.GetProperty("watchedBattles").GetInt32());
        }

        // Every browser gone: the silo drops the battle's subscription.
        Assert.True(await OpsSupport.EventuallyAsync(async () =>
        {
            using var status = JsonDocument.Parse(await http.GetStringAsync("/viewer/api/status"));
            return status.RootElement.GetProperty("viewers").GetInt32() == 0 && status.RootElement.GetProperty("watchedBattles").GetInt32() == 0;
        }, Timeout), "the viewer kept streams or the subscription after every client left");
        Assert.False(duel.Over, "the duel ended while it was watched");
    }
    [Fact]
    public async Task Viewer_stream_carries_every_event_of_the_battle_and_ends_with_its_last_state_and_its_result()
    {
        // Nobody fires until the stream is open, so the stream must carry every shot of the battle.
        await using var duel = await DrivenDuel.StartAsync(shared, fight: true, holdFire: true);
        using var http = DrivenDuel.Http(shared);
        using var stream = await SseStream.OpenAsync(http, $"/viewer/api/battles/{duel.BattleId}/stream");
        duel.OpenFire();

        // Frames until the end event (a duel of aimed shots lasts about half a minute; bounded at two).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string? last = null;
        Dictionary<int, (int X, int Y, int Hp)>? before = null;
        var shots = new Dictionary<long, JsonElement>(); // shell id → its shot
        var hits = new List<JsonElement>();
        int stops = 0, kills = 0, frames = 0;
        while (true)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "the duel did not end in two minutes");
            var (kind, data) = await stream.NextAsync(Timeout);
            if (kind == "end")
            {
                using var end = JsonDocument.Parse(data);
                var winner = end.RootElement.GetProperty("winner").GetInt32();
                Assert.InRange(winner, 0, 1);
                Assert.Equal("Destroyed", end.RootElement.GetProperty("reason").GetString());
                var players = end.RootElement.GetProperty("players").EnumerateArray().ToArray();
                Assert.Equal(2, players.Length);
                Assert.Single(players, p => p.GetProperty("survived").GetBoolean() && p.GetProperty("team").GetInt32() == winner);

                // No event lost to the 10 frames/s: every shot the battle counted came through, each shell ended in
                // exactly one hit or stop (the last ones may still fly when the battle ends), one kill.
                var reportedShots = players.Sum(p => p.GetProperty("shots").GetInt32());
                Assert.True(reportedShots > 0, "the battle reported no shots");
                Assert.Equal(reportedShots, shots.Count);
                Assert.InRange(hits.Count + stops, shots.Count - 2, shots.Count);
                Assert.Equal(1, kills);
                Assert.Contains(hits, h => h.GetProperty("damage").GetInt32() > 0);
                Assert.True(frames > 20, $"only {frames} frames");

                // The frame before it is the battle's last: over (even if the 10 frames/s would have skipped its tick),
                // the same winner, one tank left alive.
                Assert.NotNull(last);
                using var final = JsonDocument.Parse(last);
                Assert.Equal(1, final.RootElement.GetProperty("r").GetInt32()); // BattleEndReasonCode.Destroyed
                Assert.Equal(winner, final.RootElement.GetProperty("w").GetInt32());
                Assert.Equal(1, final.RootElement.GetProperty("k").EnumerateArray().Count(k => k[8].GetInt32() == 1));
                break;
            }

            Assert.Equal("frame", kind);
            last = data;
            frames++;
            using var frame = JsonDocument.Parse(data);
            var root = frame.RootElement;
            Assert.Equal(0, root.GetProperty("vd").GetInt32());
            var tick = root.GetProperty("t").GetInt64();
            var tanks = root.GetProperty("k").EnumerateArray().ToDictionary(
                k => k[0].GetInt32(), k => (X: k[3].GetInt32(), Y: k[4].GetInt32(), Hp: k[7].GetInt32()));
            var damage = tanks.Keys.ToDictionary(id => id, _ => 0);
            foreach (var e in root.GetProperty("v").EnumerateArray())
            {
                var t = e.GetProperty("t").GetInt64();
                Assert.InRange(t, 1, tick);
                switch (e.GetProperty("k").GetString())
                {
                    case "shot":
                    {
                        // The launch record: the muzzle, at the shooter's hull edge (it stands, or nearly: 6 m).
                        var shooter = tanks[e.GetProperty("shooter").GetInt32()];
                        Assert.True(Distance(shooter.X, shooter.Y, e) < 600, $"a shot launched far from its tank: {e}");
                        Assert.InRange(e.GetProperty("speed").GetInt32(), 2000, 2700); // 230 or 260 m/s in dm/s
                        Assert.True(shots.TryAdd(e.GetProperty("shell").GetInt64(), e.Clone()), $"a shell shot twice: {e}");
                        break;
                    }

                    case "hit":
                    {
                        // The shell of a shot seen before, by its shooter; the impact at the target's hull.
                        Assert.True(shots.TryGetValue(e.GetProperty("shell").GetInt64(), out var shot), $"a hit of an unseen shot: {e}");
                        Assert.Equal(shot.GetProperty("shooter").GetInt32(), e.GetProperty("shooter").GetInt32());
                        var target = tanks[e.GetProperty("target").GetInt32()];
                        Assert.True(Distance(target.X, target.Y, e) < 600, $"a hit far from its target: {e}");
                        damage[e.GetProperty("target").GetInt32()] += e.GetProperty("damage").GetInt32();
                        hits.Add(e.Clone());
                        break;
                    }

                    case "stopped":
                        Assert.True(shots.ContainsKey(e.GetProperty("shell").GetInt64()), $"a stop of an unseen shot: {e}");
                        Assert.Contains(e.GetProperty("reason").GetString(), new[] { "obstacle", "edge", "range" });
                        stops++;
                        break;
                    case "destroyed":
                        Assert.NotEqual(e.GetProperty("target").GetInt32(), e.GetProperty("killer").GetInt32());
                        kills++;
                        break;
                }
            }

            // The hit points the states lost between two frames sent are exactly the damage of the hits in between.
            if (before is not null)
            {
                foreach (var (id, now) in tanks)
                {
                    Assert.True(before[id].Hp - now.Hp == damage[id],
                        $"tank {id} went from {before[id].Hp} to {now.Hp} HP by tick {tick}, the hits said {damage[id]}");
                }
            }

            before = tanks;
        }

        // The stream closes after the end; the battle is over, so a new stream is refused.
        await Assert.ThrowsAsync<EndOfStreamException>(() => stream.NextAsync(Timeout));
        Assert.True(await OpsSupport.EventuallyAsync(async () =>
        {
            using var response = await http.GetAsync($"/viewer/api/battles/{duel.BattleId}/stream", HttpCompletionOption.ResponseHeadersRead);
            return response.StatusCode == HttpStatusCode.NotFound;
        }, Timeout), "a stream of the ended battle was not refused");
    }

    [Fact]
    public async Task A_team_stream_carries_only_what_that_team_sees_and_both_streams_carry_its_spotting_events()
    {
        // The tanks hide behind the west rock from each other (both teams lose sight), then blue comes out (both spot).
        await using var duel = await DrivenDuel.StartHidingAsync(shared);
        using var http = DrivenDuel.Http(shared);
        using (var bad = await http.GetAsync($"/viewer/api/battles/{duel.BattleId}/stream?team=2", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using var all = await SseStream.OpenAsync(http, $"/viewer/api/battles/{duel.BattleId}/stream?team=all");
        using var blue = await SseStream.OpenAsync(http, $"/viewer/api/battles/{duel.BattleId}/stream?team=0");
        duel.Hide();
        var allFrames = new Dictionary<long, JsonElement>();
        var allEvents = new List<JsonElement>();
        using var stopAll = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            while (!stopAll.IsCancellationRequested)
            {
                var (kind, data) = await all.NextAsync(Timeout);
                Assert.Equal("frame", kind);
                using var frame = JsonDocument.Parse(data);
                lock (allFrames)
                {
                    allFrames[frame.RootElement.GetProperty("t").GetInt64()] = frame.RootElement.Clone();
                    allEvents.AddRange(frame.RootElement.GetProperty("v").EnumerateArray().Select(e => e.Clone()));
                }
            }
        });

        // Blue's stream until blue lost sight of red, then (blue out of cover) until it spots red again.
        var blueFrames = new Dictionary<long, JsonElement>();
        var blueSpotting = new List<(string Kind, int Team, int Tank)>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long lastTick = 0;
        while (!blueSpotting.Any(e => e is ("spotted", 0, _)) || !blueSpotting.Any(e => e is ("lost", 0, _)) || blueSpotting[^1].Kind != "spotted")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), "blue never lost and spotted red again: " + string.Join(",", blueSpotting));
            var (kind, data) = await blue.NextAsync(Timeout);
            Assert.Equal("frame", kind);
            using var frame = JsonDocument.Parse(data);
            lastTick = frame.RootElement.GetProperty("t").GetInt64();
            blueFrames[lastTick] = frame.RootElement.Clone();
            foreach (var e in frame.RootElement.GetProperty("v").EnumerateArray())
            {
                if (e.GetProperty("k").GetString() is "spotted" or "lost" && e.GetProperty("team").GetInt32() == 0)
                {
                    blueSpotting.Add((e.GetProperty("k").GetString()!, 0, e.GetProperty("tank").GetInt32()));
                    if (e.GetProperty("k").GetString() == "lost")
                    {
                        duel.Reveal();
                    }
                }
            }
        }

        // The whole battle's stream up to the same tick, then stop it.
        Assert.True(await OpsSupport.EventuallyAsync(() =>
        {
            lock (allFrames)
            {
                return Task.FromResult(allFrames.Keys.Any(t => t >= lastTick));
            }
        }, Timeout), "the whole battle's stream fell behind blue's");
        stopAll.Cancel();
        all.Dispose();
        await Assert.ThrowsAnyAsync<Exception>(() => reading);

        // Red's tank: the one of team 1; blue lost it, then spotted it; the whole view says so for both teams.
        var anyAll = allFrames.Values.First();
        var red = anyAll.GetProperty("k").EnumerateArray().Single(k => k[1].GetInt32() == 1)[0].GetInt32();
        var blueTank = anyAll.GetProperty("k").EnumerateArray().Single(k => k[1].GetInt32() == 0)[0].GetInt32();
        Assert.All(blueSpotting, e => Assert.Equal(red, e.Tank));
        var firstLost = blueSpotting.FindIndex(e => e.Kind == "lost");
        Assert.Contains(blueSpotting.Skip(firstLost), e => e.Kind == "spotted");
        Assert.Contains(allEvents, e => e.GetProperty("k").GetString() == "lost" && e.GetProperty("team").GetInt32() == 0 && e.GetProperty("tank").GetInt32() == red);
        Assert.Contains(allEvents, e => e.GetProperty("k").GetString() == "lost" && e.GetProperty("team").GetInt32() == 1 && e.GetProperty("tank").GetInt32() == blueTank);
        Assert.Contains(allEvents, e => e.GetProperty("k").GetString() == "spotted" && e.GetProperty("team").GetInt32() == 1 && e.GetProperty("tank").GetInt32() == blueTank);

        // Tick by tick (both views send the same ticks): blue's stream holds exactly the tanks the whole view marks as
        // seen by team 0 (seen-by bit 0), never red while red is unseen; and there were such ticks.
        var common = blueFrames.Keys.Where(allFrames.ContainsKey).Order().ToArray();
        Assert.True(common.Length >= blueFrames.Count - 2, $"only {common.Length} of blue's {blueFrames.Count} ticks in the whole view");
        var unseen = 0;
        foreach (var tick in common)
        {
            var seenByBlue = allFrames[tick].GetProperty("k").EnumerateArray()
                .Where(k => (k[10].GetInt32() & 1) != 0).Select(k => k[0].GetInt32()).Order().ToArray();
            var inBlue = blueFrames[tick].GetProperty("k").EnumerateArray().Select(k => k[0].GetInt32()).Order().ToArray();
            Assert.Equal(seenByBlue, inBlue);
            if (!seenByBlue.Contains(red))
            {
                unseen++;
            }
        }

        Assert.True(unseen > 0, "red was never hidden from blue on a tick both streams sent");
    }

    private static double Distance(int x, int y, JsonElement e) =>
        Math.Sqrt(Math.Pow(x - e.GetProperty("x").GetInt32(), 2) + Math.Pow(y - e.GetProperty("y").GetInt32(), 2));
}

/// <summary>A minimal Server-Sent Events reader: one event (its name and data) at a time.</summary>
internal sealed class SseStream : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    public static async Task<SseStream> OpenAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new SseStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event with data (comments and retry lines skipped), bounded by <paramref name="timeout"/>.</summary>
    public async Task<(string Kind, string Data)> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        string kind = "message", data = "";
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancel.Token) ?? throw new EndOfStreamException("the stream ended");
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    return (kind, data);
                }

                kind = "message";
                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kind = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data += line["data: ".Length..];
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
