using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tanks.Gateway.Tcp;
using Tanks.Gateway.Tcp.Auth;
using Tanks.Gateway.Tcp.Connections;
using Tanks.Protocol.Auth;

namespace Tanks.Tests.Gateway;

/// <summary>
/// The idle and slowloris limits of <see cref="AuthConnectionHandler"/> on a fake clock, over in-memory pipes: each
/// deadline is checked to the tick, whatever the machine's speed.
/// </summary>
public sealed class AuthConnectionTimeoutTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Frame = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30); // real time: only a hang reaches it
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Fact]
    public async Task An_idle_connection_is_closed_with_a_timeout_error_exactly_at_the_idle_timeout()
    {
        await using var c = await TestConnection.StartAsync();
        Assert.Equal(Idle, await c.Clock.NextDeadlineAsync());

        c.Clock.Advance(Idle - Tick);
        Assert.False(c.Served.IsCompleted);
        Assert.False(c.HasOutput());

        c.Clock.Advance(Tick);
        AssertTimeoutError(await c.ReadFrameAsync());
        await c.Served.WaitAsync(Bound); // the handler returns: Kestrel closes the connection
    }

    [Fact]
    public async Task A_frame_trickled_byte_by_byte_is_closed_at_the_frame_timeout_counted_from_its_first_byte()
    {
        await using var c = await TestConnection.StartAsync();
        Assert.Equal(Idle, await c.Clock.NextDeadlineAsync());
        var frame = AuthFrame.Encode(Encoding.UTF8.GetBytes("{\"op\":\"ping\",\"id\":1}"));

        // Each byte is activity, but the frame's clock keeps running from its first byte.
        await c.SendAsync(frame.AsMemory(0, 1));
        Assert.Equal(Frame, await c.Clock.NextDeadlineAsync());
        for (var i = 1; i < 4; i++)
        {
            c.Clock.Advance(TimeSpan.FromSeconds(3));
            await c.SendAsync(frame.AsMemory(i, 1));
            Assert.Equal(Frame - TimeSpan.FromSeconds(3 * i), await c.Clock.NextDeadlineAsync());
        }

        c.Clock.Advance(TimeSpan.FromSeconds(1) - Tick); // 10 s minus a tick since the first byte
        Assert.False(c.Served.IsCompleted);
        Assert.False(c.HasOutput());

        c.Clock.Advance(Tick);
        AssertTimeoutError(await c.ReadFrameAsync());
        await c.Served.WaitAsync(Bound);
    }

    [Fact]
    public async Task Complete_requests_restart_the_idle_clock_and_a_connection_that_keeps_talking_stays_open()
    {
        await using var c = await TestConnection.StartAsync();
        Assert.Equal(Idle, await c.Clock.NextDeadlineAsync());
        for (var i = 0; i < 5; i++)
        {
            c.Clock.Advance(Idle - TimeSpan.FromSeconds(1));
            await c.SendAsync(AuthFrame.Encode(Encoding.UTF8.GetBytes($"{{\"op\":\"ping\",\"id\":{i}}}")));
            using var reply = await c.ReadFrameAsync();
            Assert.True(reply.RootElement.GetProperty("ok").GetBoolean(), reply.RootElement.GetRawText());
            Assert.Equal(Frame, await c.Clock.NextDeadlineAsync()); // the reply's write timeout
            Assert.Equal(Idle, await c.Clock.NextDeadlineAsync()); // then the idle deadline, in full again
        }

        Assert.False(c.Served.IsCompleted); // ~5 minutes of fake time, open all along
        c.Clock.Advance(Idle);
        AssertTimeoutError(await c.ReadFrameAsync());
        await c.Served.WaitAsync(Bound);
    }

    private static void AssertTimeoutError(JsonDocument reply)
    {
        using (reply)
        {
            Assert.False(reply.RootElement.GetProperty("ok").GetBoolean());
            Assert.Equal("timeout", reply.RootElement.GetProperty("error").GetProperty("code").GetString());
        }
    }

    /// <summary>A fake clock that reports each deadline armed on it (a timer created or changed to a finite due time).</summary>
    private sealed class ObservedClock : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ObservedTimer(base.CreateTimer(callback, state, dueTime, period), _armed.Writer);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _armed.Writer.TryWrite(dueTime);
            }

            return timer;
        }

        /// <summary>The next deadline the handler arms (waits in real time, bounded).</summary>
        public async Task<TimeSpan> NextDeadlineAsync()
        {
            using var timeout = new CancellationTokenSource(Bound);
            return await _armed.Reader.ReadAsync(timeout.Token);
        }

        private sealed class ObservedTimer(ITimer inner, ChannelWriter<TimeSpan> armed) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                var changed = inner.Change(dueTime, period);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    armed.TryWrite(dueTime);
                }

                return changed;
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>One handler serving one in-memory connection: the test writes the client's bytes and reads the server's.</summary>
    private sealed class TestConnection : IAsyncDisposable
    {
        private readonly Pipe _toServer = new();
        private readonly Pipe _toClient = new();
        private readonly CancellationTokenSource _closed = new();

        private TestConnection()
        {
        }

        public ObservedClock Clock { get; } = new();

        public Task Served { get; private set; } = Task.CompletedTask;

        public static Task<TestConnection> StartAsync()
        {
            var c = new TestConnection();
            var options = Options.Create(new TcpGatewayOptions { IdleTimeout = Idle, FrameTimeout = Frame });
            var handler = new AuthConnectionHandler(
                NewAuthService(c.Clock, options), new ConnectionLimiter(10, 10), new TcpGatewayMetrics(), options,
                NullLogger<AuthConnectionHandler>.Instance, c.Clock);
            var context = new DefaultConnectionContext("test", new DuplexPipe(c._toServer.Reader, c._toClient.Writer), new DuplexPipe(c._toClient.Reader, c._toServer.Writer))
            {
                RemoteEndPoint = new IPEndPoint(IPAddress.Parse("127.0.0.9"), 40000),
                ConnectionClosed = c._closed.Token,
            };
            c.Served = Task.Run(() => handler.OnConnectedAsync(context));
            return Task.FromResult(c);
        }

        public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _toServer.Writer.WriteAsync(bytes);

        /// <summary>Whether the server wrote anything yet (without waiting).</summary>
        public bool HasOutput()
        {
            if (!_toClient.Reader.TryRead(out var read))
            {
                return false;
            }

            var any = !read.Buffer.IsEmpty;
            _toClient.Reader.AdvanceTo(read.Buffer.Start);
            return any;
        }

        public async Task<JsonDocument> ReadFrameAsync()
        {
            using var timeout = new CancellationTokenSource(Bound);
            while (true)
            {
                var read = await _toClient.Reader.ReadAsync(timeout.Token);
                var buffer = read.Buffer;
                if (AuthFrame.TryRead(ref buffer, out var payload) == FrameReadStatus.Complete)
                {
                    var document = JsonDocument.Parse(payload.ToArray());
                    _toClient.Reader.AdvanceTo(buffer.Start);
                    return document;
                }

                Assert.False(read.IsCompleted, "the server closed without a complete frame");
                _toClient.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _closed.CancelAsync();
            await _toServer.Writer.CompleteAsync();
            await Served.WaitAsync(Bound);
            _closed.Dispose();
        }

        /// <summary>
        /// Only ping is answered here, which needs the clock alone; every other dependency of the service is left
        /// out, so the test does not depend on the service's constructor beyond that.
        /// </summary>
        private static AuthService NewAuthService(TimeProvider clock, IOptions<TcpGatewayOptions> options)
        {
            var services = new ServiceCollection()
                .AddSingleton(clock)
                .AddSingleton(options)
                .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
                .BuildServiceProvider();
            var constructor = typeof(AuthService).GetConstructors().Single();
            var arguments = constructor.GetParameters().Select(p => services.GetService(p.ParameterType)).ToArray();
            return (AuthService)constructor.Invoke(arguments);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
