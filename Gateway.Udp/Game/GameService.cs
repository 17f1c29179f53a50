namespace Tanks.Gateway.Udp.Game;

/// <summary>
/// The game layer's background work: the match observer's subscription (renewed every ~10 s) and the one batched
/// queue poll per second. Started after the Orleans client has connected; unsubscribes everything on stop.
/// </summary>
internal sealed class GameService(GameGateway gateway, ILogger<GameService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var nextRenew = DateTime.MinValue;
        try
        {
            do
            {
                try
                {
                    if (DateTime.UtcNow >= nextRenew)
                    {
                        await gateway.RenewMatchObserverAsync();
                        await gateway.RenewPlayerObserversAsync();
                        nextRenew = DateTime.UtcNow + GameGateway.RenewPeriod;
                    }

                    await gateway.PollQueuedAsync();
                }
                catch (Exception ex)
                {
                    Log.GameLoopFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await gateway.StopAsync();
    }
}
