using System.Net;
using Tanks.Grains.Interfaces.Models;

namespace Tanks.Grains.Interfaces;

/// <summary>One player account. Key: the normalized user name (see <see cref="UserNames"/>).</summary>
[Alias("Tanks.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the account and opens a session (a first refresh token); the address becomes one the account trusts.</summary>
    [Alias("RegisterFrom")]
    Task<AccountResult> RegisterAsync(Secret password, IPAddress? clientAddress);

    /// <summary>A registration from an address not known: kept for gateways of an older release during a rolling upgrade.</summary>
    [Alias("Register")]
    Task<AccountResult> RegisterAsync(Secret password);

    /// <summary>
    /// Checks the password and opens a session. Failures are counted per client address and over all addresses,
    /// alike for a name without an account; a lock answers <see cref="AccountStatus.LockedOut"/> without checking.
    /// </summary>
    [Alias("LoginFrom")]
    Task<AccountResult> LoginAsync(Secret password, IPAddress? clientAddress);

    /// <summary>A login from an address not known: kept for gateways of an older release during a rolling upgrade.</summary>
    [Alias("Login")]
    Task<AccountResult> LoginAsync(Secret password);

    /// <summary>Trades a refresh token for a new one; the old one is spent.</summary>
    [Alias("Refresh")]
    Task<AccountResult> RefreshAsync(Secret refreshToken);

    /// <summary>Revokes a refresh token. Unknown tokens are ignored (logout is idempotent).</summary>
    [Alias("Logout")]
    Task LogoutAsync(Secret refreshToken);

    /// <summary>Adds one battle's result to the lifetime stats; a battle already recorded is ignored (safe to retry).</summary>
    [Alias("RecordBattle")]
    Task RecordBattleAsync(BattleOutcome outcome);

    /// <summary>The account's skill rating (the initial one for a new or unknown account).</summary>
    [Alias("GetRating")]
    Task<Matchmaking.SkillRating> GetRatingAsync();

    /// <summary>The public part of the account, or null when it does not exist.</summary>
    [Alias("GetProfile")]
    Task<UserProfile?> GetProfileAsync();
}
