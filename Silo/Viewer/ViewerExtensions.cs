using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Protocol.Game;

namespace Tanks.Silo.Viewer;

/// <summary>
/// The live battle viewer beside the dashboard, behind the same Basic authentication: a static page
/// (<c>/viewer/</c>, embedded in the silo: works offline) and its JSON and Server-Sent Events endpoints.
/// </summary>
public static class ViewerExtensions
{
    public const string Path = "/viewer";

    private static readonly Dictionary<string, (string Resource, string ContentType)> Assets = new(StringComparer.Ordinal)
    {
        [""] = ("index.html", "text/html; charset=utf-8"),
        ["viewer.js"] = ("viewer.js", "text/javascript; charset=utf-8"),
        ["viewer.css"] = ("viewer.css", "text/css; charset=utf-8"),
    };

    public static IServiceCollection AddBattleViewer(this IServiceCollection services)
    {
        services.AddOptions<ViewerOptions>().BindConfiguration(ViewerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BattleFeeds>();
        services.AddSingleton<BattleList>();
        return services;
    }

    /// <summary>Maps the page and its API under <see cref="Path"/>, with the dashboard's authorization policy.</summary>
    public static WebApplication MapBattleViewer(this WebApplication app, string policy)
    {
        if (!app.Configuration.GetValue(ViewerOptions.SectionName + ":" + nameof(ViewerOptions.Enabled), true))
        {
            return app;
        }

        var viewer = app.MapGroup(Path).RequireAuthorization(policy).ExcludeFromDescription();
        viewer.MapGet("/", ServeAsset);
        viewer.MapGet("/{file}", ServeAsset);
        viewer.MapGet("/api/status", Status);
        viewer.MapGet("/api/battles", ListAsync);
        viewer.MapGet("/api/battles/{id:guid}", BattleAsync);
        viewer.MapGet("/api/battles/{id:guid}/stream", StreamAsync);
        return app;
    }

    private static async Task ServeAsset(HttpContext context, string? file)
    {
        // "/viewer" and "/viewer/" route alike; the page's relative links need the slash.
        if (file is null && !context.Request.Path.Value!.EndsWith('/'))
        {
            context.Response.Redirect(context.Request.PathBase + Path + "/" + context.Request.QueryString);
            return;
        }

        if (!Assets.TryGetValue(file ?? "", out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await using var stream = typeof(ViewerExtensions).Assembly.GetManifestResourceStream("Tanks.Silo.Viewer." + asset.Resource)
            ?? throw new InvalidOperationException($"viewer asset {asset.Resource} is not embedded");
        context.Response.ContentType = asset.ContentType;
        context.Response.Headers.CacheControl = "no-cache";
        // Only its own script and requests (the page shows player names: nothing they hold may run), never framed.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.ContentLength = stream.Length;
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>What this silo's viewer serves now and its limits.</summary>
    private static IResult Status(BattleFeeds feeds, Microsoft.Extensions.Options.IOptions<ViewerOptions> options) => Results.Json(new
    {
        viewers = feeds.Viewers,
        watchedBattles = feeds.Battles,
        maxViewers = options.Value.MaxViewers,
        maxViewersPerBattle = options.Value.MaxViewersPerBattle,
        frameRate = options.Value.FrameRate,
    });

    private static async Task<IResult> ListAsync(BattleList list, CancellationToken cancellationToken)
    {
        try
        {
            return Results.Bytes(await list.GetJsonAsync(cancellationToken), "application/json");
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return Results.Problem("The battle registry did not answer; try again.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> BattleAsync(Guid id, IGrainFactory grains)
    {
        BattleInfo? info;
        BattleDefinitionData? definition;
        try
        {
            var grain = grains.GetGrain<ISessionGrain>(id);
            info = await grain.GetInfoAsync().WaitAsync(TimeSpan.FromSeconds(3));
            definition = info is null ? null : await grain.GetDefinitionAsync().WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            return Results.Problem("The battle did not answer; try again.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (info is null)
        {
            return Results.NotFound();
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            var a = info.Assignment;
            w.WriteStartObject();
            w.WriteString("id", a.BattleId);
            w.WriteString("mapId", a.MapId);
            w.WriteNumber("shard", a.Shard);
            w.WriteString("silo", info.Silo);
            w.WriteNumber("tick", info.Tick);
            w.WriteNumber("tickRate", info.TickRate);
            w.WriteNumber("epoch", info.Epoch);
            w.WriteBoolean("over", info.Over);
            ViewerJson.WritePlayers(w, a);
            var (hash, model) = Read(definition);
            ViewerJson.WriteDefinition(w, hash, model);
            w.WriteEndObject();
        }

        return Results.Bytes(buffer.WrittenSpan.ToArray(), "application/json");
    }

    /// <summary>The definition's messages read back as a client reads them (parts assembled, hash checked); null if none or bad.</summary>
    private static (ulong Hash, BattleDefinition? Definition) Read(BattleDefinitionData? data)
    {
        if (data is null)
        {
            return (0, null);
        }

        var assembler = new BattleDefinitionAssembler();
        foreach (var message in data.Messages)
        {
            if (assembler.Receive(message, out var definition, out var hash) != GameMessageReadResult.Ok)
            {
                return (0, null);
            }

            if (definition is not null && hash == data.Hash)
            {
                return (hash, definition);
            }
        }

        return (0, null);
    }

    /// <summary>
    /// Server-Sent Events: <c>frame</c> events (<see cref="ViewerJson.FrameEvent"/>) at up to
    /// <see cref="ViewerOptions.FrameRate"/> per second, then one <c>end</c> event when the battle is over.
    /// </summary>
    /// <remarks>
    /// <c>?team=all</c> (the default) shows the whole battle, each tank and shell with its seen-by mask; <c>?team=0</c> or
    /// <c>?team=1</c> what that team's players get: its view of the state (<see cref="Tanks.Protocol.Snapshots.WorldState.CopyTeamView"/>)
    /// and its events. Feeds are kept per (battle, view) (<see cref="BattleFeeds.TryWatch"/>).
    /// </remarks>
    private static async Task StreamAsync(Guid id, HttpContext context, BattleFeeds feeds, IHostApplicationLifetime lifetime)
    {
        int team;
        switch (context.Request.Query["team"].ToString())
        {
            case "" or "all":
                team = -1;
                break;
            case "0":
                team = 0;
                break;
            case "1":
                team = 1;
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("team must be all, 0 or 1.");
                return;
        }

        var refusal = feeds.TryWatch(id, team, out var viewer);
        if (refusal != WatchRefusal.None)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "10";
            await context.Response.WriteAsync(refusal == WatchRefusal.SiloFull
                ? "This silo serves as many viewers as it may (Viewer:MaxViewers)."
                : "This battle has as many viewers on this silo as it may (Viewer:MaxViewersPerBattle).");
            return;
        }

        using (viewer)
        {
            if (!await viewer!.Ready)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync("No such battle running.");
                return;
            }

            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no"; // nginx in front: pass events on as they come
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            var body = context.Response.Body;
            try
            {
                await body.WriteAsync("retry: 3000\n\n"u8.ToArray(), stop.Token);
                await body.FlushAsync(stop.Token);
                await foreach (var message in viewer.Reader.ReadAllAsync(stop.Token))
                {
                    await body.WriteAsync(message, stop.Token);
                    await body.FlushAsync(stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // The browser went away, or the silo stops.
            }
            catch (IOException)
            {
            }
        }
    }
}
