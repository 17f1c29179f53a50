using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Tanks.Gateway.Tcp.Connections;

/// <summary>
/// Kestrel connection middleware: reads the PROXY v1 header (before TLS, as nginx sends it) and makes the real
/// client address the connection's remote endpoint, so per-address limits see players, not nginx.
/// A connection without a valid header within the frame timeout is closed.
/// </summary>
public sealed class ProxyProtocolMiddleware(ConnectionDelegate next, IOptions<TcpGatewayOptions> options, TcpGatewayMetrics metrics)
{
    private readonly TimeSpan _timeout = options.Value.FrameTimeout;

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(_timeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var status = ProxyProtocolV1.TryParse(result.Buffer, out var length, out var source);
                if (status == ProxyHeaderStatus.Complete)
                {
                    input.AdvanceTo(result.Buffer.GetPosition(length));
                    if (source is not null)
                    {
                        connection.RemoteEndPoint = source;
                    }

                    break;
                }

                if (status == ProxyHeaderStatus.Invalid || result.IsCompleted)
                {
                    metrics.Rejected("bad_proxy_header");
                    input.AdvanceTo(result.Buffer.End);
                    connection.Abort();
                    return;
                }

                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            metrics.Rejected("timeout");
            connection.Abort();
            return;
        }

        await next(connection);
    }

    public static IPAddress Normalize(IPAddress address)
        => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
