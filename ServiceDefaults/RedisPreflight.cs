using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Tanks.ServiceDefaults;

/// <summary>
/// Connects to Redis once before the host starts: credentials Redis rejects are a setting to fix (exit code 2, one
/// line naming it), where Orleans would retry them for ever. A Redis that does not answer is not: the process starts
/// and keeps trying, as it does when Redis restarts.
/// </summary>
internal static class RedisPreflight
{
    public static void Run(IConfiguration configuration)
    {
        var redis = configuration.GetRedisOptions();
        if (!redis.IsConfigured)
        {
            return;
        }

        ConfigurationOptions options;
        try
        {
            options = redis.ToConfigurationOptions();
        }
        catch (ArgumentException ex)
        {
            // Not echoed: a connection string may carry a password.
            throw new TanksConfigurationException($"Redis__ConnectionString (Redis:ConnectionString) is not a StackExchange.Redis connection string: {ex.Message.Split('\n')[0]} (value not shown: it may hold a password)");
        }

        // Not aborting on the first failure keeps its cause (a TLS handshake, rejected credentials) for the PING to
        // report. Generous timeouts: on a loaded machine a short one lost the cause and let bad credentials through;
        // a Redis that does not answer costs at most these ~15 s before the process goes on.
        options.AbortOnConnectFail = false;
        options.ConnectRetry = 1;
        options.ConnectTimeout = 10_000;
        options.SyncTimeout = 5_000;
        try
        {
            using var connection = ConnectionMultiplexer.Connect(options);
            connection.GetDatabase().Ping();
        }
        catch (RedisConnectionException ex) when (TlsFailure(ex, options) is { } tls)
        {
            throw new TanksConfigurationException(
                $"TLS to Redis failed (Redis__ConnectionString (Redis:ConnectionString) = '{EndPoints(options)}', Redis__Tls (Redis:Tls) or ssl=): "
                + $"{tls.Message} Check that this Redis serves TLS and that its certificate is trusted and names the host (sslHost=).");
        }
        catch (RedisConnectionException ex) when (ex.FailureType == ConnectionFailureType.AuthenticationFailure)
        {
            throw Rejected(redis, options);
        }
        catch (RedisServerException ex) when (IsAuthError(ex.Message))
        {
            throw Rejected(redis, options);
        }
        catch (RedisException)
        {
            // Unreachable or not ready yet: not a setting to fix; the process starts as it did before this check.
        }
    }

    /// <summary>The TLS handshake's error, when that is what failed (StackExchange.Redis reports it as an authentication failure too).</summary>
    private static Exception? TlsFailure(Exception exception, ConfigurationOptions options)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException || (options.Ssl && e is IOException))
            {
                return e;
            }
        }

        return null;
    }

    private static string EndPoints(ConfigurationOptions options) => string.Join(",", options.EndPoints.Select(EndPointCollection.ToString));

    private static bool IsAuthError(string message)
        => message.StartsWith("NOAUTH", StringComparison.Ordinal) || message.StartsWith("WRONGPASS", StringComparison.Ordinal)
            || message.StartsWith("NOPERM", StringComparison.Ordinal);

    private static TanksConfigurationException Rejected(RedisOptions redis, ConfigurationOptions options)
    {
        var password = !string.IsNullOrEmpty(redis.Password)
            ? "the password in Redis__Password (Redis:Password)"
            : string.IsNullOrEmpty(options.Password)
                ? "no password (set Redis__Password)"
                : "the password in Redis__ConnectionString";
        var user = string.IsNullOrEmpty(options.User) ? "no user (Redis__User, the chart's is 'tanks')" : $"user '{options.User}'";
        return new TanksConfigurationException(
            $"Redis rejected the credentials (Redis__ConnectionString (Redis:ConnectionString) = '{EndPoints(options)}', "
            + $"{user}, {password}): check the user and password (value not shown: a secret)");
    }
}
