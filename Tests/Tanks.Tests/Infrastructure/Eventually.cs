namespace Tanks.Tests.Infrastructure;

/// <summary>Waiting on a cluster that is recovering: no fixed sleep, a bound that fails the test instead of hanging it.</summary>
internal static class Eventually
{
    /// <summary>Polls until <paramref name="probe"/> answers (exceptions count as no answer: a silo just died), bounded at 60 s.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                if (await probe() is { } result)
                {
                    return result;
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met within 60 s");
            }

            await Task.Delay(100);
        }
    }
}
