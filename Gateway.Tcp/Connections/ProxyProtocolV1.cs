using System.Buffers;
using System.Net;
using System.Text;

namespace Tanks.Gateway.Tcp.Connections;

/// <summary>
/// The PROXY protocol v1 header nginx sends first with <c>proxy_protocol on</c>:
/// <c>PROXY TCP4 &lt;src&gt; &lt;dst&gt; &lt;sport&gt; &lt;dport&gt;\r\n</c> (or TCP6, or <c>PROXY UNKNOWN ...\r\n</c>), at most 107 bytes.
/// </summary>
public static class ProxyProtocolV1
{
    public const int MaxHeaderLength = 107;
    private static ReadOnlySpan<byte> Signature => "PROXY "u8;

    /// <summary>
    /// Parses the header at the start of <paramref name="buffer"/>. Returns Complete with the header's length and the
    /// client's endpoint (null for UNKNOWN: keep the socket's own address), Incomplete, or Invalid.
    /// </summary>
    public static ProxyHeaderStatus TryParse(ReadOnlySequence<byte> buffer, out int headerLength, out IPEndPoint? source)
    {
        headerLength = 0;
        source = null;
        Span<byte> head = stackalloc byte[MaxHeaderLength];
        var available = (int)Math.Min(buffer.Length, MaxHeaderLength);
        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];

        var signatureBytes = Math.Min(available, Signature.Length);
        if (!head[..signatureBytes].SequenceEqual(Signature[..signatureBytes]))
        {
            return ProxyHeaderStatus.Invalid;
        }

        var end = head.IndexOf("\r\n"u8);
        if (end < 0)
        {
            return available >= MaxHeaderLength ? ProxyHeaderStatus.Invalid : ProxyHeaderStatus.Incomplete;
        }

        headerLength = end + 2;
        var line = head[Signature.Length..end];
        foreach (var b in line)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return ProxyHeaderStatus.Invalid;
            }
        }

        var parts = Encoding.ASCII.GetString(line).Split(' ');
        if (parts[0] == "UNKNOWN")
        {
            return ProxyHeaderStatus.Complete;
        }

        if (parts.Length != 5 || (parts[0] != "TCP4" && parts[0] != "TCP6"))
        {
            return ProxyHeaderStatus.Invalid;
        }

        var family = parts[0] == "TCP4"
            ? System.Net.Sockets.AddressFamily.InterNetwork
            : System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (!IPAddress.TryParse(parts[1], out var src) || src.AddressFamily != family
            || !IPAddress.TryParse(parts[2], out var dst) || dst.AddressFamily != family
            || !TryParsePort(parts[3], out var sourcePort) || !TryParsePort(parts[4], out _))
        {
            return ProxyHeaderStatus.Invalid;
        }

        source = new IPEndPoint(src, sourcePort);
        return ProxyHeaderStatus.Complete;
    }

    private static bool TryParsePort(string text, out int port)
        => int.TryParse(text, System.Globalization.NumberStyles.None, null, out port)
           && port is >= 0 and <= 65535 && (text.Length == 1 || text[0] != '0');
}

public enum ProxyHeaderStatus
{
    Complete,
    Incomplete,
    Invalid,
}
