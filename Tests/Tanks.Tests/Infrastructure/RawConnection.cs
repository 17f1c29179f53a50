using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Tanks.Protocol.Auth;

namespace Tanks.Tests.Infrastructure;

/// <summary>A raw TCP connection for sending arbitrary (also broken) bytes to the gateway and reading its frames.</summary>
public sealed class RawConnection : IDisposable
{
    private readonly Socket _socket;

    private RawConnection(Socket socket) => _socket = socket;

    public static async Task<RawConnection> OpenAsync(int port, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (from is not null)
        {
            socket.Bind(new IPEndPoint(from, 0));
        }

        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new RawConnection(socket);
    }

    public Task SendAsync(ReadOnlyMemory<byte> bytes) => _socket.SendAsync(bytes).AsTask();

    public Task SendFrameAsync(string json) => SendAsync(AuthFrame.Encode(Encoding.UTF8.GetBytes(json)));

    /// <summary>Reads one frame; null if the server closed the connection first.</summary>
    public async Task<JsonElement?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var header = new byte[4];
        if (!await ReadExactlyAsync(header, cts.Token))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        Assert.InRange(length, 1u, (uint)AuthFrame.MaxPayloadLength);
        var payload = new byte[length];
        Assert.True(await ReadExactlyAsync(payload, cts.Token), "frame cut short");
        using var doc = JsonDocument.Parse(payload);
        return doc.RootElement.Clone();
    }

    public async Task<JsonElement> RequestAsync(string json)
    {
        await SendFrameAsync(json);
        return await ReadFrameAsync() ?? throw new IOException("connection closed instead of an answer");
    }

    /// <summary>True when the server has closed the connection (reads end) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true; // reset
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        try
        {
            while (read < buffer.Length)
            {
                var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }
        }
        catch (SocketException)
        {
            return false;
        }

        return true;
    }
}

public static class JsonAssert
{
    public static void IsError(JsonElement? response, string code)
    {
        Assert.NotNull(response);
        var r = response.Value;
        Assert.False(r.GetProperty("ok").GetBoolean(), r.ToString());
        Assert.Equal(code, r.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(r.GetProperty("error").GetProperty("message").GetString()));
    }

    public static void IsOk(JsonElement? response)
    {
        Assert.NotNull(response);
        Assert.True(response.Value.GetProperty("ok").GetBoolean(), response.Value.ToString());
    }
}
