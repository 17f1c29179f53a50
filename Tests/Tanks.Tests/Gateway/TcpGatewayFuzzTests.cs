using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tanks.Client.Auth;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Gateway;

/// <summary>
/// Throws 10,000+ random and mutated frames at a running gateway (bad lengths, truncated, huge, invalid UTF-8,
/// deep JSON, wrong types), then proves a normal client still logs in and the gateway's memory stayed bounded.
/// </summary>
[Collection(SharedStackCollection.Name)]
public sealed class TcpGatewayFuzzTests(SharedStack shared)
{
    private const int Frames = 10_000;

    private static readonly string[] Seeds =
    [
        "{\"op\":\"ping\",\"id\":1}",
        "{\"op\":\"login\",\"id\":2,\"username\":\"fuzz_user\",\"password\":\"correct horse battery\"}",
        "{\"op\":\"register\",\"id\":\"x\",\"username\":\"fuzz_user\",\"password\":\"pw\"}",
        "{\"op\":\"refresh\",\"refreshToken\":\"rt1.fuzz_user.AAAA\"}",
        "{\"op\":\"logout\",\"refreshToken\":\"rt1.fuzz_user.AAAA\"}",
    ];

    [Fact]
    public async Task Hostile_frames_never_crash_the_gateway_nor_grow_its_memory()
    {
        var gateway = await shared.Stack.StartTcpGatewayAsync(new Dictionary<string, string>
        {
            ["TcpGateway__FrameTimeout"] = "00:00:01",
            ["TcpGateway__IdleTimeout"] = "00:00:02",
            ["TcpGateway__AuthBurstPerAddress"] = "100000",
            ["TcpGateway__AuthRequestsPerMinutePerAddress"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await using (var warm = await AuthClient.ConnectAsync("127.0.0.1", gateway.Port))
        {
            await warm.PingAsync();
        }

        var before = gateway.Process.ResidentBytes;
        var sent = 0;
        var answered = 0;
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var random = new Random(1000 + w);
            var from = IPAddress.Parse($"127.0.1.{w + 1}");
            Socket? socket = null;
            while (Interlocked.Increment(ref sent) <= Frames)
            {
                socket ??= await ConnectAsync(gateway.Port, from);
                var frame = NextFrame(random, out var outcome);
                try
                {
                    await socket.SendAsync(frame, SocketFlags.None);
                    if (outcome == Outcome.Truncated || (outcome == Outcome.Answered && random.Next(4) == 0))
                    {
                        // Hang up mid-frame, or with answers unread: the server must cope either way.
                        socket.Dispose();
                        socket = null;
                    }
                    else if (outcome == Outcome.AnsweredAndClosed)
                    {
                        // The server answers with an error frame and closes; wait for both (bounded).
                        if (await DrainAsync(socket, TimeSpan.FromSeconds(3)))
                        {
                            Interlocked.Increment(ref answered);
                        }

                        socket.Dispose();
                        socket = null;
                    }
                }
                catch (SocketException)
                {
                    socket?.Dispose();
                    socket = null;
                }
            }

            socket?.Dispose();
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.False(gateway.Process.HasExited, gateway.Process.Output);
        Assert.True(answered > 1000, $"only {answered} error-and-close answers");

        await Task.Delay(2500); // the idle timeout closes any connection the flood left half-open

        // A normal client still registers and logs in.
        var name = "f" + Guid.NewGuid().ToString("N")[..12];
        await using var client = await AuthClient.ConnectAsync("127.0.0.1", gateway.Port);
        Assert.True((await client.RegisterAsync(name, "correct horse battery")).Ok);
        Assert.True((await client.LoginAsync(name, "correct horse battery")).Ok);

        // Memory: what the flood left behind is bounded (buffers are pooled, connections released).
        var after = gateway.Process.ResidentBytes;
        Assert.True(after - before < 96L * 1024 * 1024, $"RSS grew from {before >> 20} MiB to {after >> 20} MiB");
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{gateway.MetricsPort}/metrics");
        var open = metrics.Split('\n').Single(l => l.StartsWith("tanks_tcp_connections_open ", StringComparison.Ordinal));
        Assert.Equal("tanks_tcp_connections_open 1", open); // only the client above
    }

    private static async Task<Socket> ConnectAsync(int port, IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    private static async Task<bool> DrainAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        var any = false;
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return any;
                }

                any = true;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return any;
        }
    }

    private enum Outcome
    {
        /// <summary>An error frame, then the server closes.</summary>
        AnsweredAndClosed,

        /// <summary>An answer; the connection stays open.</summary>
        Answered,

        /// <summary>Never completes: the client hangs up.</summary>
        Truncated,
    }

    /// <summary>One hostile frame and what the server should do with it.</summary>
    private static byte[] NextFrame(Random random, out Outcome outcome)
    {
        outcome = Outcome.AnsweredAndClosed;
        switch (random.Next(10))
        {
            case 0: // length out of range
                var header = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(header, random.Next(2) == 0 ? 0u : (uint)random.Next(16385, int.MaxValue));
                return header;
            case 1: // random bytes under a valid length
                var junk = new byte[random.Next(1, 2048)];
                random.NextBytes(junk);
                return Frame(junk);
            case 2: // invalid UTF-8 inside a JSON string
                return Frame([.. "{\"op\":\"login\",\"username\":\""u8, 0xFF, 0xFE, 0xC3, .. "\"}"u8]);
            case 3: // deep JSON
                var depth = random.Next(9, 5000);
                return Frame(Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)));
            case 4: // huge, but within the limit
                outcome = Outcome.Answered;
                return Frame(Encoding.UTF8.GetBytes("{\"op\":\"ping\",\"pad\":\"" + new string('a', 16000) + "\"}"));
            case 5: // truncated: the header promises more than is sent
                outcome = Outcome.Truncated;
                var seed = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]);
                var full = Frame(seed);
                return full[..random.Next(1, full.Length - 1)];
            case 6: // wrong types
                outcome = Outcome.Answered;
                return Frame(Encoding.UTF8.GetBytes(
                    $"{{\"op\":\"login\",\"username\":{random.Next()},\"password\":[{random.Next()}],\"refreshToken\":null}}"));
            default: // a valid request with a few bytes flipped: may still parse, or not
                outcome = Outcome.Answered;
                var bytes = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]);
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return Frame(bytes);
        }
    }

    private static byte[] Frame(byte[] payload) => Tanks.Protocol.Auth.AuthFrame.Encode(payload);
}
