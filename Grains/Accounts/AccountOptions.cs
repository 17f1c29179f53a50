using System.ComponentModel.DataAnnotations;

namespace Tanks.Grains.Accounts;

/// <summary>
/// Account policy: login throttling, refresh-token lifetime and the Argon2id cost. The throttle's threat model is in
/// docs/operations.md ("Login defence: threat model and settings").
/// </summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>Failed logins from one address (IPv6: one /64) for one user name that lock that address out of that name.</summary>
    [Range(1, 1000)]
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>
    /// Failed logins for one user name from all addresses together that lock the name for every address that has
    /// not logged into it successfully before; bounds guessing from many addresses.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxFailedLoginsAllAddresses { get; set; } = 50;

    /// <summary>How long a lock lasts; also how long failures are remembered (they count while within this of each other).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Addresses an account remembers its successful logins from (the most recent first); they pass the lock over all addresses.</summary>
    [Range(0, 64)]
    public int MaxTrustedAddresses { get; set; } = 8;

    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Sessions (devices) one account may hold at once; the oldest is dropped beyond this.</summary>
    [Range(1, 100)]
    public int MaxRefreshTokens { get; set; } = 10;

    /// <summary>Argon2id memory in KiB; OWASP: 19 MiB.</summary>
    [Range(8 * 1024, 1024 * 1024)]
    public int Argon2MemoryKiB { get; set; } = 19 * 1024;

    /// <summary>Argon2id passes; OWASP: 2 at 19 MiB.</summary>
    [Range(1, 10)]
    public int Argon2Iterations { get; set; } = 2;

    /// <summary>How many hashes may run at once in this silo (each holds its memory): bounds memory and keeps threads free.</summary>
    [Range(0, 256)]
    public int MaxConcurrentHashes { get; set; }
}
