using System.Net;
using Orleans.Runtime;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Models;
using Tanks.Grains.Matchmaking;

namespace Tanks.Grains.Accounts;

/// <summary>
/// One account. Calls are not interleaved, so two racing registrations of one name run one after the other and
/// the second sees the first's account: exactly one is created. Hashing leaves the grain's turn (see
/// <see cref="PasswordHasher"/>) while the grain waits for it.
/// </summary>
public sealed partial class UserGrain(
    [PersistentState("user", StorageNames.Accounts)] IPersistentState<UserState> state,
    PasswordHasher hasher,
    IOptions<AccountOptions> options,
    GrainClock time,
    ILogger<UserGrain> logger)
    : Grain, IUserGrain
{
    private const int MaxSpentTokensRemembered = 32;
    private readonly AccountOptions _options = options.Value;
    private readonly LoginThrottle _throttle = new(options.Value);

    private string UserName => this.GetPrimaryKeyString();

    public Task<AccountResult> RegisterAsync(Secret password) => RegisterAsync(password, null);

    public async Task<AccountResult> RegisterAsync(Secret password, IPAddress? clientAddress)
    {
        if (UserNames.Normalize(UserName) != UserName)
        {
            return AccountResult.Fail(AccountStatus.InvalidUserName);
        }

        if (!UserNames.IsAcceptablePassword(password.Value))
        {
            return AccountResult.Fail(AccountStatus.WeakPassword);
        }

        if (state.State.Exists)
        {
            return AccountResult.Fail(AccountStatus.UserExists);
        }

        var hash = await hasher.HashAsync(password.Value);
        var userId = await GrainFactory.GetGrain<IUserIdAllocatorGrain>(0).AllocateAsync();
        var now = time.GetUtcNow();
        state.State = new UserState
        {
            UserId = userId,
            UserName = UserName,
            PasswordHash = hash,
            CreatedAt = now,
        };
        if (clientAddress is not null)
        {
            Trust(LoginThrottle.AddressKey(clientAddress), now);
        }

        var refreshToken = IssueRefreshToken(now);
        await SaveAsync();
        AccountMetrics.AccountRegistered();
        LogRegistered(logger, UserName, userId);
        return new AccountResult(AccountStatus.Ok, userId, refreshToken);
    }

    public Task<AccountResult> LoginAsync(Secret password) => LoginAsync(password, null);

    public async Task<AccountResult> LoginAsync(Secret password, IPAddress? clientAddress)
    {
        // Everything up to the answer runs alike for a name with and without an account: the same lock check, one
        // Argon2id derivation (a dummy one without an account), no storage write on failure; only the right password differs.
        var now = time.GetUtcNow();
        var address = LoginThrottle.AddressKey(clientAddress);
        if (_throttle.LockedUntil(address, IsTrusted(address, now), now) is { } lockedUntil)
        {
            // The password is not even checked: a lock reveals nothing about it.
            AccountMetrics.Login("locked_out");
            return new AccountResult(AccountStatus.LockedOut, LockedUntil: lockedUntil);
        }

        var verified = state.State.Exists
            ? await hasher.VerifyAsync(password.Value, state.State.PasswordHash)
            : await hasher.VerifyDummyAsync(password.Value);
        if (!verified)
        {
            // The counters live in this activation: keep it while they matter, for every name alike.
            DelayDeactivation(_options.LockoutDuration);
            if (_throttle.Failed(address, now) is { } locked)
            {
                if (locked.AllAddresses)
                {
                    LogLockedForAllAddresses(logger, UserName, locked.Until);
                }
                else
                {
                    LogLockedForAddress(logger, UserName, address, locked.Until);
                }

                AccountMetrics.Login("locked_out");
                return new AccountResult(AccountStatus.LockedOut, LockedUntil: locked.Until);
            }

            AccountMetrics.Login("invalid_credentials");
            return AccountResult.Fail(AccountStatus.InvalidCredentials);
        }

        _throttle.Succeeded(address);
        Trust(address, now);
        if (hasher.NeedsRehash(state.State.PasswordHash))
        {
            // The cost was changed: bring this hash to it, so real and dummy verifications keep costing the same.
            state.State.PasswordHash = await hasher.HashAsync(password.Value);
        }

        var refreshToken = IssueRefreshToken(now);
        await SaveAsync();
        AccountMetrics.Login("ok");
        return new AccountResult(AccountStatus.Ok, state.State.UserId, refreshToken);
    }

    public async Task<AccountResult> RefreshAsync(Secret refreshToken)
    {
        var now = time.GetUtcNow();
        var index = state.State.Exists ? FindToken(state.State.RefreshTokens, refreshToken.Value, now) : -1;
        if (index < 0)
        {
            if (state.State.Exists && FindToken(state.State.SpentRefreshTokens, refreshToken.Value, now) >= 0)
            {
                // A spent token came back: someone holds a copy. Revoke every session (OAuth 2.0 BCP reuse detection).
                state.State.RefreshTokens.Clear();
                state.State.SpentRefreshTokens.Clear();
                await SaveAsync();
                LogRefreshTokenReused(logger, UserName);
            }

            return AccountResult.Fail(AccountStatus.InvalidToken);
        }

        // Rotation: the presented token is spent (and remembered as such), a new one replaces it.
        var spent = state.State.RefreshTokens[index];
        state.State.RefreshTokens.RemoveAt(index);
        var history = state.State.SpentRefreshTokens;
        history.RemoveAll(t => t.ExpiresAt <= now);
        if (history.Count >= MaxSpentTokensRemembered)
        {
            history.RemoveAt(0);
        }

        history.Add(spent);
        var next = IssueRefreshToken(now);
        await SaveAsync();
        return new AccountResult(AccountStatus.Ok, state.State.UserId, next);
    }

    public async Task LogoutAsync(Secret refreshToken)
    {
        var index = state.State.Exists ? FindToken(state.State.RefreshTokens, refreshToken.Value, time.GetUtcNow()) : -1;
        if (index >= 0)
        {
            state.State.RefreshTokens.RemoveAt(index);
            await SaveAsync();
        }
    }

    public async Task RecordBattleAsync(BattleOutcome outcome)
    {
        if (!state.State.Exists || state.State.RecentBattles.Contains(outcome.BattleId))
        {
            return;
        }

        state.State.Stats = state.State.Stats.Add(outcome);
        if (outcome.OpponentDeviation > 0)
        {
            var score = outcome.Result switch { BattleOutcomeKind.Win => 1.0, BattleOutcomeKind.Loss => 0.0, _ => 0.5 };
            state.State.Rating = Glicko2.Update(state.State.Rating ?? SkillRating.Initial, outcome.OpponentRating, outcome.OpponentDeviation, score);
        }

        state.State.RecentBattles.Add(outcome.BattleId);
        if (state.State.RecentBattles.Count > 16)
        {
            state.State.RecentBattles.RemoveAt(0);
        }

        await SaveAsync();
    }

    public Task<SkillRating> GetRatingAsync() => Task.FromResult(state.State.Rating ?? SkillRating.Initial);

    public Task<UserProfile?> GetProfileAsync()
        => Task.FromResult(state.State.Exists
            ? new UserProfile(state.State.UserId, state.State.UserName, state.State.CreatedAt, state.State.Stats, state.State.Rating ?? SkillRating.Initial)
            : null);

    /// <summary>
    /// Writes the state. When the write fails (the store is down) this activation is ahead of storage, e.g. a refresh
    /// token rotated only here: it is dropped, so the client's retry meets what was stored, not a token spent in vain.
    /// </summary>
    private async Task SaveAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private bool IsTrusted(string address, DateTimeOffset now)
        => state.State.TrustedAddresses.Exists(t => t.Key == address && now - t.LastLoginAt < _options.RefreshTokenLifetime);

    /// <summary>Remembers a successful login's address (the most recent last); written with the session it opens.</summary>
    private void Trust(string address, DateTimeOffset now)
    {
        var trusted = state.State.TrustedAddresses;
        trusted.RemoveAll(t => t.Key == address || now - t.LastLoginAt >= _options.RefreshTokenLifetime);
        trusted.Add(new TrustedAddress { Key = address, LastLoginAt = now });
        while (trusted.Count > _options.MaxTrustedAddresses)
        {
            trusted.RemoveAt(0);
        }
    }

    private Secret IssueRefreshToken(DateTimeOffset now)
    {
        Span<byte> secret = stackalloc byte[RefreshTokens.SecretBytes];
        RandomNumberGenerator.Fill(secret);
        var tokens = state.State.RefreshTokens;
        tokens.RemoveAll(t => t.ExpiresAt <= now);
        while (tokens.Count >= _options.MaxRefreshTokens)
        {
            tokens.RemoveAt(0); // the oldest session goes first
        }

        tokens.Add(new RefreshTokenRecord
        {
            Hash = SHA256.HashData(secret),
            IssuedAt = now,
            ExpiresAt = now + _options.RefreshTokenLifetime,
        });
        return new Secret($"{RefreshTokens.Prefix}{UserName}.{Base64Url(secret)}");
    }

    private int FindToken(List<RefreshTokenRecord> tokens, string token, DateTimeOffset now)
    {
        if (RefreshTokens.UserNameOf(token) != UserName)
        {
            return -1;
        }

        var encoded = token.AsSpan(RefreshTokens.Prefix.Length + UserName.Length + 1);
        Span<byte> secret = stackalloc byte[RefreshTokens.SecretBytes + 3];
        if (!TryFromBase64Url(encoded, secret, out var length) || length != RefreshTokens.SecretBytes)
        {
            return -1;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(secret[..length], hash);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].ExpiresAt > now && CryptographicOperations.FixedTimeEquals(tokens[i].Hash, hash))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes)
        => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.Length > 64)
        {
            return false;
        }

        Span<char> padded = stackalloc char[68];
        var n = 0;
        foreach (var c in text)
        {
            padded[n++] = c switch { '-' => '+', '_' => '/', '+' or '/' or '=' => '!', _ => c };
        }

        while (n % 4 != 0)
        {
            padded[n++] = '=';
        }

        return Convert.TryFromBase64Chars(padded[..n], destination, out written);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Account {UserName} registered with user id {UserId}")]
    private static partial void LogRegistered(ILogger logger, string userName, long userId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "A spent refresh token of {UserName} was presented again; all of its sessions are revoked")]
    private static partial void LogRefreshTokenReused(ILogger logger, string userName);

    // Both locks are logged whether or not the name has an account: the log does not tell them apart either.
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "User name {UserName} locked for new addresses until {LockedUntil} after failed logins from many addresses")]
    private static partial void LogLockedForAllAddresses(ILogger logger, string userName, DateTimeOffset lockedUntil);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "User name {UserName} locked for address {Address} until {LockedUntil} after failed logins from it")]
    private static partial void LogLockedForAddress(ILogger logger, string userName, string address, DateTimeOffset lockedUntil);
}
