using System.Net;
using System.Net.Sockets;

// A plain C# UDP echo with Gateway.Udp's receive style (dedicated thread, blocking ReceiveFrom into a Span with a
// cached SocketAddress, SendTo back): the baseline for the per-packet CPU measurement. Loopback only, time-bounded.
// Usage: UdpEcho <port> [seconds=120]
var port = args.Length > 0 ? int.Parse(args[0]) : 9998;
var seconds = args.Length > 1 ? int.Parse(args[1]) : 120;
using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
socket.ReceiveBufferSize = 4 * 1024 * 1024;
socket.SendBufferSize = 4 * 1024 * 1024;
socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
Console.WriteLine($"udp-echo pid {Environment.ProcessId} on 127.0.0.1:{port} for {seconds} s");

var thread = new Thread(() =>
{
    var buffer = new byte[2048];
    var from = new SocketAddress(AddressFamily.InterNetwork);
    while (true)
    {
        int n;
        try
        {
            n = socket.ReceiveFrom(buffer, SocketFlags.None, from);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return;
        }

        try
        {
            socket.SendTo(buffer.AsSpan(0, n), SocketFlags.None, from);
        }
        catch (SocketException)
        {
        }
    }
}) { IsBackground = true, Name = "udp-echo-receive" };
thread.Start();
Thread.Sleep(TimeSpan.FromSeconds(seconds));
