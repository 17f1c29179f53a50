using Microsoft.Extensions.Options;

namespace Tanks.Silo.Viewer;

/// <summary>Why a browser got no stream.</summary>
internal enum WatchRefusal
{
    None,
    SiloFull,
    BattleFull,
}

/// <summary>
/// This silo's watched battles: one <see cref="BattleFeed"/> per battle with at least one browser, and the limits
/// (<see cref="ViewerOptions.MaxViewers"/> per silo, <see cref="ViewerOptions.MaxViewersPerBattle"/> per battle).
/// </summary>
internal sealed class BattleFeeds(IGrainFactory grains, IOptions<ViewerOptions> options, ILogger<BattleFeeds> logger)
{
    private readonly ViewerOptions _options = options.Value;
    private readonly object _lock = new();
    private readonly Dictionary<(Guid Battle, int Team), BattleFeed> _feeds = []; // team -1: the whole battle
    private int _viewers;

    /// <summary>Streams served now.</summary>
    public int Viewers
    {
        get
        {
            lock (_lock)
            {
                return _viewers;
            }
        }
    }

    /// <summary>Battles with a subscription from this silo now.</summary>
    public int Battles
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>A stream of the battle for one browser, or why not. Dispose the viewer when the browser goes.</summary>
    /// <param name="team">-1: the whole battle; 0 or 1: that team's view (its spotting). Feeds are kept per battle and view,
    /// so each view is filtered once per frame for all of its viewers (the per-battle limit counts all views).</param>
    public WatchRefusal TryWatch(Guid battleId, int team, out BattleViewer? viewer)
    {
        viewer = null;
        lock (_lock)
        {
            if (_viewers >= _options.MaxViewers)
            {
                return WatchRefusal.SiloFull;
            }

            var watching = 0;
            for (var t = -1; t <= 1; t++)
            {
                watching += _feeds.TryGetValue((battleId, t), out var f) ? f.ViewerCount : 0;
            }

            if (watching >= _options.MaxViewersPerBattle)
            {
                return WatchRefusal.BattleFull;
            }

            if (!_feeds.TryGetValue((battleId, team), out var feed))
            {
                feed = new BattleFeed(this, battleId, team, grains, _options, logger);
                _feeds[(battleId, team)] = feed;
            }

            _viewers++;
            viewer = feed.Attach();
            return WatchRefusal.None;
        }
    }

    internal void Leave(BattleFeed feed, BattleViewer viewer)
    {
        bool last;
        lock (_lock)
        {
            _viewers--;
            last = feed.Detach(viewer) == 0;
            if (last)
            {
                Forget(feed);
            }
        }

        if (last)
        {
            _ = feed.CloseAsync();
        }
    }

    internal void Ended(BattleFeed feed)
    {
        lock (_lock)
        {
            Forget(feed);
        }
    }

    private void Forget(BattleFeed feed)
    {
        if (_feeds.TryGetValue((feed.BattleId, feed.Team), out var current) && current == feed)
        {
            _feeds.Remove((feed.BattleId, feed.Team));
        }
    }
}
