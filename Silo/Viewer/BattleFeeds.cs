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
    private readonly Dictionary<Guid, BattleFeed> _feeds = [];
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
    public WatchRefusal TryWatch(Guid battleId, out BattleViewer? viewer)
    {
        viewer = null;
        lock (_lock)
        {
            if (_viewers >= _options.MaxViewers)
            {
                return WatchRefusal.SiloFull;
            }

            if (!_feeds.TryGetValue(battleId, out var feed))
            {
                feed = new BattleFeed(this, battleId, grains, _options, logger);
                _feeds[battleId] = feed;
            }
            else if (feed.ViewerCount >= _options.MaxViewersPerBattle)
            {
                return WatchRefusal.BattleFull;
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
        if (_feeds.TryGetValue(feed.BattleId, out var current) && current == feed)
        {
            _feeds.Remove(feed.BattleId);
        }
    }
}
