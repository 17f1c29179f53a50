using System.ComponentModel.DataAnnotations;

namespace Tanks.Grains.Accounts;

/// <summary>Account policy: lockout, refresh-token lifetime and the Argon2id cost.</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>Consecutive failed logins that lock the account.</summary>
    [Range(1, 1000)]
    public int MaxFailedLogins { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

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
