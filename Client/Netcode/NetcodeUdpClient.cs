using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tanks.Protocol.Netcode;

namespace Tanks.Client.Netcode;

/// <summary>Options of <see cref="NetcodeUdpClient"/>.</summary>
public sealed class NetcodeUdpClientOptions
{
    /// <summary>Local address to send from (tests use 127.0.0.2 to be "another address"); null: any address of the server's family.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>Received payloads kept until <see cref="NetcodeUdpClient.TryReceivePayload"/> takes them; beyond, new ones are dropped.</summary>
    public int ReceiveQueueCapacity { get; init; } = 64;

    /// <summary>Run <see cref="NetcodeUdpClient.Update"/> on a background task at this period; null: the caller calls it.</summary>
    public TimeSpan? BackgroundUpdatePeriod { get; init; } = TimeSpan.FromMilliseconds(5);
}

/// <summary>
/// <see cref="NetcodeClient"/> over a real UDP socket: <see cref="Update"/> drains the socket (non-blocking) and
/// runs the state machine on the Stopwatch clock. Thread-safe (one lock); optionally updated in the background.
/// </summary>
public sealed class NetcodeUdpClient : IDisposable
{
    private readonly object _lock = new();
    private readonly Socket _socket;
    private readonly NetcodeClient _client;
    private readonly byte[] _receiveBuffer = new byte[2048];
    private readonly SocketAddress _from;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _background;
    private bool _disposed;

    private NetcodeUdpClient(Socket socket, NetcodeUdpClientOptions options)
    {
        _socket = socket;
        _from = new SocketAddress(socket.AddressFamily);
        _client = new NetcodeClient(new SocketTransport(socket), options.ReceiveQueueCapacity);
        if (options.BackgroundUpdatePeriod is { } period)
        {
            _background = Task.Run(() => BackgroundAsync(period));
        }
    }

    public NetcodeClientState State
    {
        get
        {
            lock (_lock)
            {
                return _client.State;
            }
        }
    }

    public bool IsConnected => State == NetcodeClientState.Connected;

    /// <summary>
    /// The socket's OS handle (a file descriptor on Linux), for a program that drives many clients from one thread and asks
    /// the OS which sockets are readable (epoll) instead of calling <see cref="Update"/> on every client every pass.
    /// </summary>
    public nint SocketHandle => _socket.Handle;

    /// <summary>The local endpoint the socket is bound to.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public uint ClientIndex
    {
        get
        {
            lock (_lock)
            {
                return _client.ClientIndex;
            }
        }
    }

    public uint MaxClients
    {
        get
        {
            lock (_lock)
            {
                return _client.MaxClients;
            }
        }
    }

    private static double Now => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    /// <summary>A client with its own socket, bound for the family of the token's first server (IPv4 unless told otherwise).</summary>
    public static NetcodeUdpClient Create(NetcodeUdpClientOptions? options = null, AddressFamily family = AddressFamily.InterNetwork)
    {
        options ??= new NetcodeUdpClientOptions();
        var local = options.LocalAddress ?? (family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any);
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            socket.Blocking = false; // reads only what is there (UpdateReadiness must never block on a stale readiness report)
            return new NetcodeUdpClient(socket, options);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Starts connecting with a token (2048 bytes); see <see cref="State"/> or use <see cref="ConnectAsync"/>.</summary>
    public void Connect(ReadOnlySpan<byte> connectToken)
    {
        lock (_lock)
        {
            _client.Connect(connectToken, Now);
            _client.Update(Now);
        }
    }

    /// <summary>Connects and waits until connected or failed; returns the final state (<see cref="NetcodeClientState.Connected"/> or an error).</summary>
    public async Task<NetcodeClientState> ConnectAsync(byte[] connectToken, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        Connect(connectToken);
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_background is null)
            {
                Update();
            }

            var state = State;
            if (state is NetcodeClientState.Connected or < NetcodeClientState.Disconnected)
            {
                return state;
            }

            if (deadline.Elapsed > limit)
            {
                return state;
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>Drains received datagrams and runs the state machine (sends what is due, applies timeouts).</summary>
    public void Update() => Update(readable: false, drain: true);

    /// <summary>
    /// For a caller that watches this client's socket with the OS (epoll, level-triggered, see <see cref="SocketHandle"/>):
    /// <paramref name="readable"/> = the OS reported datagrams, so one is read without asking the socket first (no
    /// <c>ioctl</c>; the OS reports again while more wait); false = nothing is read (the OS would have said). Then the
    /// state machine runs. Many clients on one thread then cost system calls per datagram, not per client per pass.
    /// </summary>
    public void UpdateReadiness(bool readable) => Update(readable, drain: false);

    private void Update(bool readable, bool drain)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = Now;
            while (readable || (drain && _socket.Available > 0))
            {
                int length;
                try
                {
                    length = _socket.ReceiveFrom(_receiveBuffer, SocketFlags.None, _from);
                }
                catch (SocketException)
                {
                    break; // e.g. ICMP port unreachable surfaced as a reset, or (readable) nothing after all: nothing to read
                }

                if (NetcodeAddress.TryFromSocketAddress(_from, out var from))
                {
                    _client.ProcessPacket(_receiveBuffer.AsSpan(0, length), from, now);
                }

                if (readable)
                {
                    break;
                }
            }

            _client.Update(now);
        }
    }

    public bool SendPayload(ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            return !_disposed && _client.SendPayload(payload, Now);
        }
    }

    public bool TryReceivePayload(Span<byte> destination, out int length)
    {
        lock (_lock)
        {
            return _client.TryReceivePayload(destination, out length);
        }
    }

    /// <summary>Sends the redundant disconnect packets (when connected) and goes to state 0.</summary>
    public void Disconnect()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _client.Disconnect(Now);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _background?.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _client.Disconnect(Now);
            _client.Dispose();
            _disposed = true;
            _socket.Dispose();
        }

        _stop.Dispose();
    }

    private async Task BackgroundAsync(TimeSpan period)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Update();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class SocketTransport(Socket socket) : INetcodeTransport
    {
        private readonly Dictionary<NetcodeAddress, SocketAddress> _addresses = [];

        public void Send(ReadOnlySpan<byte> packet, NetcodeAddress to)
        {
            if (!_addresses.TryGetValue(to, out var address))
            {
                var endPoint = to.ToIPEndPoint();
                if (socket.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.AddressFamily == AddressFamily.InterNetwork)
                {
                    endPoint = new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port);
                }

                address = endPoint.Serialize();
                _addresses[to] = address;
            }

            try
            {
                socket.SendTo(packet, SocketFlags.None, address);
            }
            catch (SocketException)
            {
                // Lossy by nature: the state machine retries or times out.
            }
        }
    }
}
