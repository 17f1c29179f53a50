namespace Tanks.Grains.Interfaces;

/// <summary>
/// A store or a part of the cluster is unavailable: retry later, with backoff. The silo throws this in place of the
/// storage or infrastructure exception it caught, because that exception's type may live in an assembly only the silo
/// has (a gateway failed with <c>TypeLoadException</c> on <c>RedisStorageException</c>). It carries a short reason and
/// nothing else: no inner exception (its type might not load either), never a password, token or connection string.
/// </summary>
/// <remarks>
/// An <see cref="OrleansException"/>, so callers that already treat Orleans' own failures (silo unavailable, message
/// rejected) as "retry later" treat this one alike, and grain storage rethrows it without wrapping it again.
/// </remarks>
[GenerateSerializer]
[Alias("Tanks.ServiceUnavailableException")]
public sealed class ServiceUnavailableException : OrleansException
{
    /// <summary>Longest reason kept: a reason is a phrase for a log line, not a dump.</summary>
    public const int MaxReasonLength = 200;

    public ServiceUnavailableException()
        : this("service unavailable")
    {
    }

    public ServiceUnavailableException(string reason)
        : base(Shorten(reason))
    {
    }

    /// <summary>What is unavailable, e.g. <c>storage 'accounts' unavailable (RedisConnectionException)</c>.</summary>
    public string Reason => Message;

    private static string Shorten(string reason)
        => string.IsNullOrWhiteSpace(reason) ? "service unavailable"
            : reason.Length <= MaxReasonLength ? reason
            : reason[..MaxReasonLength];
}
