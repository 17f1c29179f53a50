using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tanks.Client.Netcode;
using Tanks.Protocol.Netcode;

namespace Tanks.UdpBench;

/// <summary>Datagrams through the bench's sockets for one target (single-threaded: only the bench's loop touches them).</summary>
internal sealed class Counters
{
    public long DatagramsSent;
    public long DatagramsReceived;
    public long SendErrors;

    /// <summary>Payloads (gateway) or datagrams (plain echoes) the load sent, and the echoes of them that came back.</summary>
    public long PayloadsSent;
    public long Echoes;
}

/// <summary>
/// One client's UDP socket on 127.0.0.1: non-blocking, connected to its target (the kernel then delivers only the
/// target's datagrams and each send skips the route lookup), receiving without exceptions. Every bench socket is
/// the same for the three targets, so the bench's side of the work is the same but for the gateway's netcode crypto.
/// </summary>
internal sealed class BenchSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly Counters _counters;

    public BenchSocket(Counters counters)
    {
        _counters = counters;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.ReceiveBufferSize = 1024 * 1024;
        _socket.SendBufferSize = 1024 * 1024;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Blocking = false;
        LocalPort = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int LocalPort { get; }

    public int RemotePort { get; private set; }

    public bool IsConnected => RemotePort != 0;

    public void Connect(IPEndPoint target)
    {
        _socket.Connect(target);
        RemotePort = target.Port;
    }

    public void Send(ReadOnlySpan<byte> datagram)
    {
        _socket.Send(datagram, SocketFlags.None, out var error);
        if (error == SocketError.Success)
        {
            _counters.DatagramsSent++;
        }
        else
        {
            _counters.SendErrors++;
        }
    }

    /// <summary>The next datagram's length, or -1 when none is waiting (or an ICMP error surfaced).</summary>
    public int TryReceive(Span<byte> buffer)
    {
        var length = _socket.Receive(buffer, SocketFlags.None, out var error);
        if (error != SocketError.Success)
        {
            return -1;
        }

        _counters.DatagramsReceived++;
        return length;
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>The same load for each target: K clients (one socket each), one payload per <see cref="SendOne"/>, echoes drained.</summary>
internal abstract class BenchLoad : IDisposable
{
    protected readonly byte[] ReceiveBuffer = new byte[2048];

    protected BenchLoad(string name, string label, int pid)
    {
        Name = name;
        Label = label;
        Pid = pid;
    }

    /// <summary>Key in the report: gateway, csharp_echo, asyncio_echo.</summary>
    public string Name { get; }

    public string Label { get; }

    public int Pid { get; }

    public Counters Counters { get; } = new();

    public abstract int Clients { get; }

    /// <summary>The target's UDP port (0 until known).</summary>
    public abstract int TargetPort { get; }

    public abstract IReadOnlySet<int> LocalPorts { get; }

    public abstract void SendOne(int client);

    /// <summary>Reads every waiting datagram of every client.</summary>
    public abstract void DrainAll(double now);

    /// <summary>Timers of the clients (netcode keep-alives and timeouts); called every ~10 ms.</summary>
    public virtual void Service(double now)
    {
    }

    public abstract void Dispose();

    protected static double Now => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
}

/// <summary>Plain datagrams of the gateway's wire size to a plain echo (Tools/UdpEcho or asyncio_echo.py).</summary>
internal sealed class RawEchoLoad : BenchLoad
{
    private readonly BenchSocket[] _sockets;
    private readonly byte[] _datagram;

    public RawEchoLoad(string name, string label, int pid, int port, int clients, int datagramBytes)
        : base(name, label, pid)
    {
        _datagram = new byte[datagramBytes];
        Random.Shared.NextBytes(_datagram);
        _datagram[0] = 0xEC; // not a netcode connection request, should one ever stray to a gateway
        var target = new IPEndPoint(IPAddress.Loopback, port);
        _sockets = new BenchSocket[clients];
        for (var i = 0; i < clients; i++)
        {
            _sockets[i] = new BenchSocket(Counters);
            _sockets[i].Connect(target);
        }

        TargetPort = port;
        LocalPorts = _sockets.Select(s => s.LocalPort).ToHashSet();
    }

    public override int Clients => _sockets.Length;

    public override int TargetPort { get; }

    public override IReadOnlySet<int> LocalPorts { get; }

    public override void SendOne(int client)
    {
        _sockets[client].Send(_datagram);
        Counters.PayloadsSent++;
    }

    public override void DrainAll(double now)
    {
        foreach (var socket in _sockets)
        {
            while (socket.TryReceive(ReceiveBuffer) >= 0)
            {
                Counters.Echoes++;
            }
        }
    }

    /// <summary>Sends one datagram from the first socket until it comes back (the echo is up), at most <paramref name="timeout"/>.</summary>
    public bool Probe(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var echoes = Counters.Echoes;
        while (clock.Elapsed < timeout)
        {
            _sockets[0].Send(_datagram);
            for (var i = 0; i < 20 && Counters.Echoes == echoes; i++)
            {
                Thread.Sleep(5);
                DrainAll(Now);
            }

            if (Counters.Echoes > echoes)
            {
                return true;
            }
        }

        return false;
    }

    public override void Dispose()
    {
        foreach (var s in _sockets)
        {
            s.Dispose();
        }
    }
}

/// <summary>
/// K netcode clients (<see cref="NetcodeClient"/>, the SDK's state machine, over <see cref="BenchSocket"/>s) connected
/// to Gateway.Udp in PayloadMode=echo: each payload is encrypted here, decrypted, echoed and encrypted there,
/// decrypted here.
/// </summary>
internal sealed class GatewayLoad : BenchLoad
{
    private readonly BenchSocket[] _sockets;
    private readonly NetcodeClient[] _clients;
    private readonly byte[] _payload;
    private readonly byte[] _payloadBuffer = new byte[NetcodeConstants.MaxPayloadBytes];

    public GatewayLoad(int pid, int clients, int payloadBytes)
        : base("gateway", "Gateway.Udp (echo mode)", pid)
    {
        _payload = new byte[payloadBytes];
        Random.Shared.NextBytes(_payload);
        _sockets = new BenchSocket[clients];
        _clients = new NetcodeClient[clients];
        for (var i = 0; i < clients; i++)
        {
            _sockets[i] = new BenchSocket(Counters);
            _clients[i] = new NetcodeClient(new Transport(_sockets[i]), receiveQueueCapacity: 1024);
        }

        LocalPorts = _sockets.Select(s => s.LocalPort).ToHashSet();
    }

    public override int Clients => _sockets.Length;

    public override int TargetPort => _sockets[0].RemotePort;

    public override IReadOnlySet<int> LocalPorts { get; }

    /// <summary>Connects every client at once with its fresh token; the time until all are connected (at most 15 s, else throws).</summary>
    public TimeSpan ConnectAll(byte[][] tokens)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < _clients.Length; i++)
        {
            _clients[i].Connect(tokens[i], Now);
            _clients[i].Update(Now);
        }

        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var now = Now;
            DrainAll(now);
            var done = 0;
            foreach (var c in _clients)
            {
                c.Update(now);
                done += c.State is NetcodeClientState.Connected or < NetcodeClientState.Disconnected ? 1 : 0;
            }

            if (done == _clients.Length)
            {
                break;
            }

            Thread.Yield();
        }

        var elapsed = clock.Elapsed;
        var failed = _clients.Count(c => c.State != NetcodeClientState.Connected);
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {_clients.Length} clients did not connect to Gateway.Udp: {string.Join(",", _clients.Select(c => c.State).Distinct())}");
        }

        return elapsed;
    }

    public override void SendOne(int client)
    {
        if (_clients[client].SendPayload(_payload, Now))
        {
            Counters.PayloadsSent++;
        }
    }

    public override void DrainAll(double now)
    {
        for (var i = 0; i < _sockets.Length; i++)
        {
            var client = _clients[i];
            int length;
            while ((length = _sockets[i].TryReceive(ReceiveBuffer)) >= 0)
            {
                client.ProcessPacket(ReceiveBuffer.AsSpan(0, length), client.ServerAddress, now);
            }

            while (client.TryReceivePayload(_payloadBuffer, out _))
            {
                Counters.Echoes++;
            }
        }
    }

    public override void Service(double now)
    {
        foreach (var c in _clients)
        {
            c.Update(now);
        }
    }

    /// <summary>Each client's redundant disconnect packets (10), then the sockets closed.</summary>
    public override void Dispose()
    {
        var now = Now;
        foreach (var c in _clients)
        {
            c.Disconnect(now);
            c.Dispose();
        }

        foreach (var s in _sockets)
        {
            s.Dispose();
        }
    }

    private sealed class Transport(BenchSocket socket) : INetcodeTransport
    {
        public void Send(ReadOnlySpan<byte> packet, NetcodeAddress to)
        {
            if (!socket.IsConnected)
            {
                socket.Connect(to.ToIPEndPoint());
            }

            socket.Send(packet);
        }
    }
}
