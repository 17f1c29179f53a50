using System.Net;

namespace Tanks.Gateway.Tcp;

/// <summary>Log lines of the TCP gateway. None carries a password or a token: requests are logged by op and result only.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "TCP auth listening on {Endpoint} (TLS {Tls}, PROXY protocol {Proxy})")]
    public static partial void Listening(ILogger logger, string endpoint, bool tls, bool proxy);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Key} is not configured: using a random key for this process only; tokens will not survive a restart")]
    public static partial void GeneratedKey(ILogger logger, string key);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Request {Op} from {Client}: {Result} in {ElapsedMs:F1} ms")]
    public static partial void Request(ILogger logger, string op, IPAddress client, string result, double elapsedMs);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Closing connection from {Client}: {Reason}")]
    public static partial void Closing(ILogger logger, IPAddress client, string reason);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Cluster unavailable for a request ({Error})")]
    public static partial void ClusterUnavailable(ILogger logger, string error);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Game service unavailable for a request: {Reason}")]
    public static partial void ServiceUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 23, Level = LogLevel.Error, Message = "Unexpected error from the cluster for a request")]
    public static partial void ClusterCallFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Unexpected error on a connection from {Client}")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, IPAddress client);
}
