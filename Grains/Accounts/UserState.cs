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
    [Id(4)] public int FailedLogins { get; set; }
    [Id(5)] public DateTimeOffset? LockedUntil { get; set; }
    [Id(6)] public List<RefreshTokenRecord> RefreshTokens { get; set; } = [];

    /// <summary>Recently spent refresh tokens: one presented again means it was copied, so every session is revoked.</summary>
    [Id(7)] public List<RefreshTokenRecord> SpentRefreshTokens { get; set; } = [];

    [Id(8)] public UserStats Stats { get; set; } = UserStats.Empty;

    /// <summary>The last battles recorded, so a retried write from a battle is not counted twice.</summary>
    [Id(9)] public List<Guid> RecentBattles { get; set; } = [];

    public bool Exists => UserId != 0;
}

/// <summary>One open session: the SHA-256 of a refresh token's secret part and when it stops being accepted.</summary>
[GenerateSerializer, Alias("Tanks.RefreshTokenRecord")]
public sealed class RefreshTokenRecord
{
    [Id(0)] public byte[] Hash { get; set; } = [];
    [Id(1)] public DateTimeOffset IssuedAt { get; set; }
    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
}
