namespace Tanks.Gateway.Udp.Payloads;

/// <summary>
/// <c>PayloadMode=echo</c>: sends every payload back to its sender. For the connection-layer tests and the
/// per-packet CPU measurement only; it is not a game and does nothing a battle would.
/// </summary>
public sealed class EchoPayloadHandler : IPayloadHandler
{
    public void OnConnected(in UdpConnection connection, ReadOnlySpan<byte> userData)
    {
    }

    public void OnPayload(IUdpSender sender, in UdpConnection connection, ReadOnlySpan<byte> payload) => sender.TrySendPayload(connection, payload);

    public void OnDisconnected(in UdpConnection connection, UdpDisconnectReason reason)
    {
    }
}
