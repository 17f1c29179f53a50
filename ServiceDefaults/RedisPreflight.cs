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

        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = 5000;
        try
        {
            using var connection = ConnectionMultiplexer.Connect(options);
            connection.GetDatabase().Ping();
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
            // Unreachable or not ready yet: Orleans keeps trying, and readiness says so meanwhile.
        }
    }

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
            $"Redis rejected the credentials (Redis__ConnectionString (Redis:ConnectionString) = '{string.Join(",", options.EndPoints.Select(EndPointCollection.ToString))}', "
            + $"{user}, {password}): check the user and password (value not shown: a secret)");
    }
}
