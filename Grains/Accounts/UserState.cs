using Tanks.Grains.Interfaces.Models;

namespace Tanks.Grains.Accounts;

/// <summary>The persisted account. Passwords and refresh tokens are stored only as hashes.</summary>
[GenerateSerializer, Alias("Tanks.UserState")]
public sealed class UserState
{
    [Id(0)] public long UserId { get; set; }
    [Id(1)] public string UserName { get; set; } = "";
    [Id(2)] public string PasswordHash { get; set; } = "";
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    // Ids 4 and 5 held a persisted failure count and lock; failures now live in memory (LoginThrottle), alike for every name.
    [Id(6)] public List<RefreshTokenRecord> RefreshTokens { get; set; } = [];

    /// <summary>Recently spent refresh tokens: one presented again means it was copied, so every session is revoked.</summary>
    [Id(7)] public List<RefreshTokenRecord> SpentRefreshTokens { get; set; } = [];

    [Id(8)] public UserStats Stats { get; set; } = UserStats.Empty;

    /// <summary>The last battles recorded, so a retried write from a battle is not counted twice.</summary>
    [Id(9)] public List<Guid> RecentBattles { get; set; } = [];

    /// <summary>Addresses that logged in successfully, most recent last: they pass the lock over all addresses.</summary>
    [Id(10)] public List<TrustedAddress> TrustedAddresses { get; set; } = [];

    /// <summary>The skill rating (null until the first rated battle: the initial one).</summary>
    [Id(11)] public Tanks.Grains.Interfaces.Matchmaking.SkillRating? Rating { get; set; }

    public bool Exists => UserId != 0;
}

/// <summary>An address key (see <see cref="LoginThrottle.AddressKey"/>) and when a login from it last succeeded.</summary>
[GenerateSerializer, Alias("Tanks.TrustedAddress")]
public sealed class TrustedAddress
{
    [Id(0)] public string Key { get; set; } = "";
    [Id(1)] public DateTimeOffset LastLoginAt { get; set; }
}

/// <summary>One open session: the SHA-256 of a refresh token's secret part and when it stops being accepted.</summary>
[GenerateSerializer, Alias("Tanks.RefreshTokenRecord")]
public sealed class RefreshTokenRecord
{
    [Id(0)] public byte[] Hash { get; set; } = [];
    [Id(1)] public DateTimeOffset IssuedAt { get; set; }
    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
}
