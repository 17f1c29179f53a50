using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Models;
using Tanks.Protocol.Auth;

namespace Tanks.Gateway.Tcp.Auth;

/// <summary>Answers auth requests: checks input, applies the per-address rate limit, calls the account grains, mints tokens.</summary>
public sealed class AuthService(
    IClusterClient cluster,
    AccessTokenIssuer accessTokens,
    ConnectTokenIssuer connectTokens,
    PartitionedRateLimiter<IPAddress> rateLimiter,
    IOptions<TcpGatewayOptions> options,
    TimeProvider time,
    ILogger<AuthService> logger)
{
    private readonly TimeSpan _requestTimeout = options.Value.RequestTimeout;

    public async Task<AuthResponse> HandleAsync(AuthRequest request, IPAddress client, CancellationToken cancellationToken)
    {
        switch (request.Op)
        {
            case AuthOps.Ping:
                return AuthResponse.Ok(w => w.WriteNumber("serverTime", time.GetUtcNow().ToUnixTimeMilliseconds()));
            case AuthOps.Register:
            case AuthOps.Login:
                return await WithLimitAsync(client, () => PasswordOpAsync(request, client, cancellationToken));
            case AuthOps.Refresh:
                return await WithLimitAsync(client, () => RefreshAsync(request, cancellationToken));
            case AuthOps.Logout:
                return await LogoutAsync(request, cancellationToken);
            default:
                return AuthResponse.Error(AuthErrorCodes.BadRequest,
                    "\"op\" must be one of register, login, refresh, logout, ping");
        }
    }

    private async Task<AuthResponse> WithLimitAsync(IPAddress client, Func<Task<AuthResponse>> operation)
    {
        using var lease = rateLimiter.AttemptAcquire(client);
        if (!lease.IsAcquired)
        {
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
            return AuthResponse.Error(AuthErrorCodes.RateLimited, "too many requests from this address; retry later",
                extra: w => w.WriteNumber("retryAfter", retryAfter));
        }

        return await operation();
    }

    /// <param name="client">The client's address (with PROXY protocol the one from the header, not the proxy's): the
    /// account grain counts failed logins per address.</param>
    private async Task<AuthResponse> PasswordOpAsync(AuthRequest request, IPAddress client, CancellationToken cancellationToken)
    {
        var isRegister = request.Op == AuthOps.Register;
        if (request.Username is null || request.Password is null)
        {
            return AuthResponse.Error(AuthErrorCodes.BadRequest, "\"username\" and \"password\" strings are required");
        }

        var userName = UserNames.Normalize(request.Username);
        if (userName is null)
        {
            // On login, an impossible name is simply a wrong one: do not tell the two apart.
            return isRegister
                ? AuthResponse.Error(AuthErrorCodes.InvalidUsername, "user name must be 3-24 characters of a-z, 0-9 and _")
                : AuthResponse.Error(AuthErrorCodes.InvalidCredentials, "wrong user name or password");
        }

        if (!UserNames.IsAcceptablePassword(request.Password))
        {
            return isRegister
                ? AuthResponse.Error(AuthErrorCodes.WeakPassword, "password must be 8-128 characters")
                : AuthResponse.Error(AuthErrorCodes.InvalidCredentials, "wrong user name or password");
        }

        var grain = cluster.GetGrain<IUserGrain>(userName);
        var password = new Secret(request.Password);
        return await CallAsync(
            () => isRegister ? grain.RegisterAsync(password, client) : grain.LoginAsync(password, client),
            result => Session(result, userName),
            cancellationToken);
    }

    private async Task<AuthResponse> RefreshAsync(AuthRequest request, CancellationToken cancellationToken)
    {
        if (request.RefreshToken is null)
        {
            return AuthResponse.Error(AuthErrorCodes.BadRequest, "\"refreshToken\" string is required");
        }

        var userName = RefreshTokens.UserNameOf(request.RefreshToken);
        if (userName is null)
        {
            return AuthResponse.Error(AuthErrorCodes.InvalidToken, "refresh token is not valid");
        }

        var grain = cluster.GetGrain<IUserGrain>(userName);
        var token = new Secret(request.RefreshToken);
        return await CallAsync(() => grain.RefreshAsync(token), result => Session(result, userName), cancellationToken);
    }

    private async Task<AuthResponse> LogoutAsync(AuthRequest request, CancellationToken cancellationToken)
    {
        if (request.RefreshToken is null)
        {
            return AuthResponse.Error(AuthErrorCodes.BadRequest, "\"refreshToken\" string is required");
        }

        var userName = RefreshTokens.UserNameOf(request.RefreshToken);
        if (userName is null)
        {
            return AuthResponse.Ok(); // nothing to revoke: logout is idempotent
        }

        var token = new Secret(request.RefreshToken);
        return await CallAsync(
            async () =>
            {
                await cluster.GetGrain<IUserGrain>(userName).LogoutAsync(token);
                return AccountResult.Fail(AccountStatus.Ok);
            },
            _ => AuthResponse.Ok(),
            cancellationToken);
    }

    private AuthResponse Session(AccountResult result, string userName) => result.Status switch
    {
        AccountStatus.Ok => SessionPayload(result, userName),
        AccountStatus.UserExists => AuthResponse.Error(AuthErrorCodes.UserExists, "user name is taken"),
        AccountStatus.InvalidUserName => AuthResponse.Error(AuthErrorCodes.InvalidUsername, "user name must be 3-24 characters of a-z, 0-9 and _"),
        AccountStatus.WeakPassword => AuthResponse.Error(AuthErrorCodes.WeakPassword, "password must be 8-128 characters"),
        AccountStatus.InvalidCredentials => AuthResponse.Error(AuthErrorCodes.InvalidCredentials, "wrong user name or password"),
        AccountStatus.InvalidToken => AuthResponse.Error(AuthErrorCodes.InvalidToken, "refresh token is not valid"),
        AccountStatus.LockedOut => AuthResponse.Error(AuthErrorCodes.LockedOut,
            $"too many failed logins for this user name; try again after {result.LockedUntil:u}",
            extra: w => w.WriteString("lockedUntil", result.LockedUntil!.Value)),
        _ => AuthResponse.Error(AuthErrorCodes.Internal, "unexpected account status"),
    };

    private AuthResponse SessionPayload(AccountResult result, string userName)
    {
        var accessToken = accessTokens.Issue(result.UserId, userName);
        var refreshToken = result.RefreshToken!.Value;
        var expiresIn = accessTokens.LifetimeSeconds;
        var connectToken = connectTokens.Issue(result.UserId, userName);
        return AuthResponse.Ok(w =>
        {
            w.WriteNumber("userId", result.UserId);
            w.WriteString("username", userName);
            w.WriteString("accessToken", accessToken);
            w.WriteString("tokenType", "Bearer");
            w.WriteNumber("expiresIn", expiresIn);
            w.WriteString("refreshToken", refreshToken);
            w.WriteString("connectToken", connectToken);
            w.WriteString("udp", connectTokens.Udp);
        });
    }

    /// <summary>
    /// Calls the cluster with a deadline; an unavailable store, an unreachable or restarting cluster becomes
    /// <c>unavailable</c>, never a hang; anything else becomes <c>internal</c> on a connection that stays open.
    /// </summary>
    private async Task<AuthResponse> CallAsync(
        Func<Task<AccountResult>> call, Func<AccountResult, AuthResponse> map, CancellationToken cancellationToken)
    {
        try
        {
            var result = await call().WaitAsync(_requestTimeout, cancellationToken);
            return map(result);
        }
        catch (ServiceUnavailableException ex)
        {
            // The silo's own word that a store (Redis) or a part of the cluster is down; its reason holds no secret.
            Log.ServiceUnavailable(logger, ex.Reason);
            return AuthResponse.Error(AuthErrorCodes.Unavailable, "the game service is temporarily unavailable; retry with backoff");
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or InvalidOperationException or ObjectDisposedException)
        {
            // OrleansException covers SiloUnavailableException, message rejections and connection failures.
            Log.ClusterUnavailable(logger, ex.GetType().Name);
            return AuthResponse.Error(AuthErrorCodes.Unavailable, "game servers are not reachable right now; retry shortly");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // E.g. a TypeLoadException from a silo that sent a type this gateway does not have: answer, keep the connection.
            Log.ClusterCallFailed(logger, ex);
            return AuthResponse.Error(AuthErrorCodes.Internal, "unexpected server error; retry later");
        }
    }
}
