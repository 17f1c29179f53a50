using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Tanks.Gateway.Tcp.Auth;
using Tanks.Protocol.Auth;

namespace Tanks.Gateway.Tcp.Connections;

/// <summary>
/// One TCP auth connection: reads frames with bounded size and time, answers each in order, and closes on a
/// malformed frame, an oversized header, a timeout or the per-address connection cap.
/// </summary>
public sealed class AuthConnectionHandler(
    AuthService service,
    ConnectionLimiter limiter,
    TcpGatewayMetrics metrics,
    IOptions<TcpGatewayOptions> options,
    ILogger<AuthConnectionHandler> logger) : ConnectionHandler
{
    private readonly TcpGatewayOptions _options = options.Value;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var client = connection.RemoteEndPoint is IPEndPoint ip ? ProxyProtocolMiddleware.Normalize(ip.Address) : IPAddress.None;
        if (!limiter.TryAcquire(client))
        {
            metrics.Rejected("too_many_connections");
            await TryWriteAsync(connection.Transport.Output,
                AuthResponse.Error(AuthErrorCodes.TooManyConnections, "too many open connections from this address", close: true), null);
            return;
        }

        metrics.ConnectionOpened();
        try
        {
            await ServeAsync(connection, client);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex)
        {
            Log.ConnectionFailed(logger, ex, client);
        }
        finally
        {
            metrics.ConnectionClosed();
            limiter.Release(client);
        }
    }

    private async Task ServeAsync(ConnectionContext connection, IPAddress client)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        using var deadline = new CancellationTokenSource();
        var frameStarted = 0L; // timestamp of the first byte of the frame being received; 0 when between frames

        while (true)
        {
            var wait = frameStarted == 0
                ? _options.IdleTimeout
                : _options.FrameTimeout - Stopwatch.GetElapsedTime(frameStarted);
            if (wait <= TimeSpan.Zero)
            {
                await CloseForTimeoutAsync(output, client);
                return;
            }

            deadline.CancelAfter(wait);
            ReadResult read;
            try
            {
                read = await input.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !connection.ConnectionClosed.IsCancellationRequested)
            {
                await CloseForTimeoutAsync(output, client);
                return;
            }

            if (!deadline.TryReset())
            {
                await CloseForTimeoutAsync(output, client);
                return;
            }

            var buffer = read.Buffer;
            var answered = false;
            try
            {
                while (true)
                {
                    var status = AuthFrame.TryRead(ref buffer, out var payload);
                    if (status is FrameReadStatus.TooLarge or FrameReadStatus.Empty)
                    {
                        metrics.Rejected("frame_too_large");
                        Log.Closing(logger, client, "frame header out of range");
                        await TryWriteAsync(output, AuthResponse.FrameTooLarge(), null);
                        return;
                    }

                    if (status == FrameReadStatus.Incomplete)
                    {
                        break;
                    }

                    var request = AuthRequest.Parse(payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());
                    var response = await AnswerAsync(request, client, connection.ConnectionClosed);
                    if (!await TryWriteAsync(output, response, request) || response.CloseAfter)
                    {
                        return;
                    }

                    answered = true;
                }

                // A frame's clock starts at its first byte; bytes left after a complete frame start the next one.
                frameStarted = buffer.IsEmpty ? 0 : (answered || frameStarted == 0 ? Stopwatch.GetTimestamp() : frameStarted);
                if (read.IsCompleted)
                {
                    return;
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    private async Task<AuthResponse> AnswerAsync(AuthRequest request, IPAddress client, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        AuthResponse response;
        if (request.Malformed is { } why)
        {
            metrics.Rejected("bad_request");
            response = AuthResponse.Error(AuthErrorCodes.BadRequest, why, close: true);
        }
        else
        {
            response = await service.HandleAsync(request, client, cancellationToken);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.Request(request.OpLabel, response.Result, elapsed);
        if (response.Result == AuthErrorCodes.RateLimited)
        {
            metrics.Rejected("rate_limited");
        }

        Log.Request(logger, request.OpLabel, client, response.Result, elapsed.TotalMilliseconds);
        return response;
    }

    private async Task CloseForTimeoutAsync(PipeWriter output, IPAddress client)
    {
        metrics.Rejected("timeout");
        Log.Closing(logger, client, "timeout");
        await TryWriteAsync(output, AuthResponse.Error(AuthErrorCodes.Timeout, "connection idle or frame too slow", close: true), null);
    }

    /// <summary>Writes one frame; gives up (false) if the client does not take it within the frame timeout.</summary>
    private async Task<bool> TryWriteAsync(PipeWriter output, AuthResponse response, AuthRequest? request)
    {
        var json = new ArrayBufferWriter<byte>(256);
        response.WriteTo(json, request);
        var header = output.GetSpan(AuthFrame.HeaderLength);
        AuthFrame.WriteHeader(header, json.WrittenCount);
        output.Advance(AuthFrame.HeaderLength);
        output.Write(json.WrittenSpan);
        using var timeout = new CancellationTokenSource(_options.FrameTimeout);
        try
        {
            var flush = await output.FlushAsync(timeout.Token);
            return !flush.IsCompleted && !flush.IsCanceled;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
