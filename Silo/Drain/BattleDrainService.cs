using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Grains.Sessions;

namespace Tanks.Silo.Drain;

/// <summary>
/// Graceful stop. Before any hosted service stops (Kestrel and Orleans still run), the silo turns not-ready, tells the
/// registry to place nothing here, and moves each battle it runs to another silo with its exact state and subscribers
/// (live migration); as the last silo it ends them as aborted instead, so their players are told and freed. It gives up
/// after <see cref="DrainOptions.DrainTimeout"/>; what is left then resumes elsewhere from its checkpoint as after a crash.
/// </summary>
public sealed partial class BattleDrainService(
    SiloBattles battles,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IOptions<DrainOptions> options,
    TimeProvider time,
    ILogger<BattleDrainService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        battles.BeginDrain(); // /health/ready answers 503 from here on
        var started = time.GetTimestamp();
        var budget = options.Value.DrainTimeout;
        var initial = battles.Count;
        LogDraining(logger, initial, budget);
        try
        {
            await grains.GetGrain<ISessionRegistryGrain>(ISessionRegistryGrain.SingletonKey)
                .SiloDrainingAsync(local.SiloAddress.ToParsableString()).WaitAsync(CallTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRegistryNotTold(logger, ex);
        }

        var canMove = false;
        while (battles.Count > 0 && time.GetElapsedTime(started) < budget && !cancellationToken.IsCancellationRequested)
        {
            canMove = membership.CurrentSnapshot.Members.Values
                .Any(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local.SiloAddress));
            // Asked again each round: a battle that resumed here meanwhile (a gateway's call) goes too.
            await Task.WhenAll(battles.Running.Select(id => DrainOneAsync(id, canMove)));
            try
            {
                await Task.Delay(Poll, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        LogDrained(logger, initial - battles.Count, canMove ? "moved" : "ended", battles.Count, time.GetElapsedTime(started));
    }

    private async Task DrainOneAsync(Guid battleId, bool canMove)
    {
        try
        {
            await grains.GetGrain<ISessionGrain>(battleId).DrainAsync(canMove).WaitAsync(CallTimeout);
        }
        catch (Exception ex)
        {
            LogDrainFailed(logger, ex, battleId);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Silo stopping: not ready; draining {Battles} battles (budget {Budget})")]
    private static partial void LogDraining(ILogger logger, int battles, TimeSpan budget);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Drain: {Done} battles {How}, {Left} left, after {Elapsed}")]
    private static partial void LogDrained(ILogger logger, int done, string how, int left, TimeSpan elapsed);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Drain: the registry could not be told; it may still place a battle here")]
    private static partial void LogRegistryNotTold(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Drain: battle {BattleId} did not answer; asking again")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception, Guid battleId);
}
