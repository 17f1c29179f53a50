namespace Tanks.Grains;

/// <summary>
/// The wall clock the grains' rules read (lockouts, token expiry, queue waits). Kept apart from the silo's own
/// <see cref="TimeProvider"/>, which also drives Orleans' timers: a test can move this clock without stalling the runtime.
/// </summary>
public sealed class GrainClock(TimeProvider time)
{
    public static GrainClock System { get; } = new(TimeProvider.System);

    public DateTimeOffset GetUtcNow() => time.GetUtcNow();
}
