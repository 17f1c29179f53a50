using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Tanks.Gateway.Tcp.Auth;
using Tanks.Protocol.Auth;

namespace Tanks.Gateway.Tcp.Connections;

/// <summary>
/// One TCP auth connection: reads frames with bounded size and time, answers each in order, and closes on a
/// malformed frame, an oversized header, a timeout or the per-address connection cap. Timeouts run on the injected
/// <see cref="TimeProvider"/> so tests can drive them with a fake clock.
/// </summary>
public sealed class AuthConnectionHandler(
    AuthService service,
    ConnectionLimiter limiter,
    TcpGatewayMetrics metrics,
    IOptions<TcpGatewayOptions> options,
    ILogger<AuthConnectionHandler> logger,
    TimeProvider? time = null) : ConnectionHandler
{
    private readonly TcpGatewayOptions _options = options.Value;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

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
        long? frameStarted = null; // timestamp of the first byte of the frame being received; null between frames

        while (true)
        {
            var wait = frameStarted is { } started
                ? _options.FrameTimeout - _time.GetElapsedTime(started)
                : _options.IdleTimeout;
            if (wait <= TimeSpan.Zero)
            {
                await CloseForTimeoutAsync(output, client);
                return;
            }

            // A timer per read (the idle or the frame deadline): a CancellationTokenSource on a TimeProvider other
            // than the system's cannot be reset (TryReset is false), and reads per connection are few.
            using var deadline = new CancellationTokenSource(wait, _time);
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
                frameStarted = buffer.IsEmpty ? null : (answered || frameStarted is null ? _time.GetTimestamp() : frameStarted);
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
        var started = _time.GetTimestamp();
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

        var elapsed = _time.GetElapsedTime(started);
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
        using var timeout = new CancellationTokenSource(_options.FrameTimeout, _time);
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
