namespace Tanks.Gateway.Udp.Payloads;

/// <summary><c>PayloadMode=none</c>: no game layer yet; payloads are counted (here and in the packet metrics) and dropped.</summary>
public sealed class NullPayloadHandler : IPayloadHandler
{
    private long _received;

    public long Received => Interlocked.Read(ref _received);

    public void OnConnected(in UdpConnection connection, ReadOnlySpan<byte> userData)
    {
    }

    public void OnPayload(IUdpSender sender, in UdpConnection connection, ReadOnlySpan<byte> payload) => Interlocked.Increment(ref _received);

    public void OnDisconnected(in UdpConnection connection, UdpDisconnectReason reason)
    {
    }
}
