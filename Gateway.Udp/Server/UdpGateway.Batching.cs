using System.Net;
using Tanks.BatchedUdp;
using Tanks.Gateway.Udp.Payloads;
using Tanks.Protocol.Netcode;

namespace Tanks.Gateway.Udp.Server;

/// <summary>
/// Batched I/O (<see cref="UdpGatewayOptions.BatchedIo"/>): a thread that opens a send scope queues its datagrams in
/// its own <see cref="UdpSendBatch"/> per socket (packets are encrypted straight into the batch) and the outermost
/// scope sends them with <c>sendmmsg</c>. The receive threads take up to <see cref="BatchCapacity"/> datagrams per
/// <c>recvmmsg</c> and answer them in one scope.
/// </summary>
internal sealed partial class UdpGateway
{
    /// <summary>Datagrams per <c>recvmmsg</c>/<c>sendmmsg</c> call: a tick's fan-out of a few battles, ~80 KB per batch.</summary>
    private const int BatchCapacity = 64;

    /// <summary>How often a receive thread blocked in <c>recvmmsg</c> wakes to see a stop (the socket's receive timeout).</summary>
    private static readonly TimeSpan ReceiveWake = TimeSpan.FromMilliseconds(200);

    /// <summary>This thread's send batches (one gateway at a time per thread; another gateway's sends go out at once meanwhile).</summary>
    [ThreadStatic]
    private static SendBatches? t_sendBatches;

    private readonly bool _batchedIo;

    public UdpSendScope BeginSendBatch()
    {
        if (!_batchedIo || _stopping)
        {
            return default;
        }

        var batches = t_sendBatches;
        if (batches is null || (batches.Owner != this && batches.Depth == 0))
        {
            t_sendBatches = batches = new SendBatches(this, _sockets.Length);
        }
        else if (batches.Owner != this)
        {
            return default;
        }

        batches.Depth++;
        return new UdpSendScope(this);
    }

    public void EndSendBatch()
    {
        var batches = t_sendBatches;
        if (batches is null || batches.Owner != this || batches.Depth == 0)
        {
            return;
        }

        if (--batches.Depth == 0)
        {
            for (var i = 0; i < batches.BySocket.Length; i++)
            {
                Flush(batches.BySocket[i], i);
            }
        }
    }

    /// <summary><c>sendmmsg</c> calls this thread's batches have made for this gateway (diagnostics and tests).</summary>
    internal long SendBatchCallsOnThisThread()
    {
        long calls = 0;
        if (t_sendBatches is { } batches && batches.Owner == this)
        {
            foreach (var batch in batches.BySocket)
            {
                calls += batch.SystemCalls;
            }
        }

        return calls;
    }

    /// <summary>The batch this thread queues datagrams for socket <paramref name="socketIndex"/> in, or null (send at once).</summary>
    private UdpSendBatch? OpenBatch(int socketIndex) =>
        t_sendBatches is { Depth: > 0 } batches && batches.Owner == this ? batches.BySocket[socketIndex] : null;

    /// <summary>Where to write the next datagram for socket <paramref name="socketIndex"/>: the open batch's next buffer, else the thread's send buffer.</summary>
    private Span<byte> SendSpace(int socketIndex, out UdpSendBatch? batch)
    {
        batch = OpenBatch(socketIndex);
        if (batch is null)
        {
            return SendBuffer;
        }

        if (batch.IsFull)
        {
            Flush(batch, socketIndex);
        }

        return batch.NextBuffer;
    }

    /// <summary>Sends the first <paramref name="length"/> bytes of a <see cref="SendSpace"/>: queued in the batch, or at once.</summary>
    private void SendWritten(int socketIndex, SocketAddress to, UdpSendBatch? batch, Span<byte> space, int length, NetcodePacketType type)
    {
        if (batch is null)
        {
            Send(socketIndex, to, space[..length], type);
            return;
        }

        batch.Commit(to.Buffer.Span[..to.Size], length);
        _metrics.Out(type, length);
    }

    private void Flush(UdpSendBatch batch, int socketIndex)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            var result = batch.Flush(_sockets[socketIndex]);
            _metrics.SendCalls(result.Calls);
            if (result.Failed > 0)
            {
                _metrics.SendFailed(result.Failed);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // Stopping: the socket is gone (Flush has emptied the batch).
        }
    }

    /// <summary>The receive loop on <c>recvmmsg</c>: every datagram of a call is handled, then their answers go out together.</summary>
    private void ReceiveBatches(int index, ReceiveContext context)
    {
        var socket = _sockets[index];
        using var batch = new UdpReceiveBatch(BatchCapacity, DatagramBufferBytes);
        UdpReceiveBatch.SetReceiveTimeout(socket, ReceiveWake);
        var allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        while (!_stopping)
        {
            int count;
            try
            {
                count = batch.Receive(socket);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (System.Net.Sockets.SocketException) when (_stopping)
            {
                break;
            }
            catch (System.Net.Sockets.SocketException ex) when (IsTransient(ex))
            {
                continue;
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                Log.ReceiveLoopFailed(_logger, ex, index);
                Thread.Sleep(10);
                continue;
            }

            _metrics.ReceiveCalls();
            if (count == 0)
            {
                continue;
            }

            using (BeginSendBatch())
            {
                for (var i = 0; i < count; i++)
                {
                    try
                    {
                        if (batch.IsTruncated(i) || !batch.TryCopySource(i, context.From))
                        {
                            _metrics.InInvalid(batch.Datagram(i).Length);
                            continue;
                        }

                        Receive(context, batch.Datagram(i));
                    }
                    catch (Exception ex)
                    {
                        Log.PacketFailed(_logger, ex);
                    }
                }
            }

            Volatile.Write(ref _receiveAllocated[index], GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart);
        }
    }

    /// <summary>One thread's send batches for one gateway, one per socket (a slot always answers through its own socket).</summary>
    private sealed class SendBatches(UdpGateway owner, int sockets)
    {
        public readonly UdpGateway Owner = owner;
        public readonly UdpSendBatch[] BySocket = CreateBatches(sockets);
        public int Depth;

        private static UdpSendBatch[] CreateBatches(int sockets)
        {
            var batches = new UdpSendBatch[sockets];
            for (var i = 0; i < sockets; i++)
            {
                batches[i] = new UdpSendBatch(BatchCapacity, NetcodeConstants.MaxPacketBytes + 64);
            }

            return batches;
        }
    }
}
