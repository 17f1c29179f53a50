using System.Collections.Concurrent;
using System.Net;

namespace Tanks.Gateway.Tcp.Connections;

/// <summary>Counts open connections per client address and in all; refuses beyond the caps.</summary>
public sealed class ConnectionLimiter(int maxPerAddress, int maxTotal)
{
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);

    /// <summary>True when a slot was taken; release it with <see cref="Release"/>.</summary>
    public bool TryAcquire(IPAddress address)
    {
        if (Interlocked.Increment(ref _total) > maxTotal)
        {
            Interlocked.Decrement(ref _total);
            return false;
        }

        while (true)
        {
            var current = _perAddress.GetOrAdd(address, 0);
            if (current >= maxPerAddress)
            {
                Interlocked.Decrement(ref _total);
                return false;
            }

            if (_perAddress.TryUpdate(address, current + 1, current))
            {
                return true;
            }
        }
    }

    public void Release(IPAddress address)
    {
        Interlocked.Decrement(ref _total);
        while (_perAddress.TryGetValue(address, out var current))
        {
            if (current <= 1)
            {
                // Remove the entry only if it is still 1, so the map never grows with addresses that left.
                if (_perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, current)))
                {
                    return;
                }
            }
            else if (_perAddress.TryUpdate(address, current - 1, current))
            {
                return;
            }
        }
    }

    /// <summary>Addresses currently holding at least one connection (for tests and diagnostics).</summary>
    public int TrackedAddresses => _perAddress.Count;
}
