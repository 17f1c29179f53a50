using System.Net;
using System.Net.Sockets;

namespace Tanks.Grains.Accounts;

/// <summary>
/// The failed-login counters of one user name: one per client address and one over all addresses. Kept in memory
/// and alike for a name that has an account and one that has not, so neither the answers nor the work done tell
/// the two apart (see docs/operations.md, "Login defence: threat model and settings").
/// </summary>
public sealed class LoginThrottle(AccountOptions options)
{
    private readonly Dictionary<string, Counter> _perAddress = new(StringComparer.Ordinal);
    private Counter _allAddresses;

    /// <summary>The key of a client address: IPv4 as is, IPv6 by its /64 (one subscriber's prefix; cheap to vary inside).</summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>
    /// Until when this address may not try a password for this name, or null. An address the account trusts (a
    /// successful login came from it) is not held back by the lock over all addresses, only by its own.
    /// </summary>
    public DateTimeOffset? LockedUntil(string address, bool trusted, DateTimeOffset now)
    {
        DateTimeOffset? until = null;
        if (_perAddress.TryGetValue(address, out var own) && own.LockedUntil > now)
        {
            until = own.LockedUntil;
        }

        if (!trusted && _allAddresses.LockedUntil > now && (until is null || _allAddresses.LockedUntil > until))
        {
            until = _allAddresses.LockedUntil;
        }

        return until;
    }

    /// <summary>Counts a wrong password; returns the lock it starts (and whether over all addresses), or null.</summary>
    public (DateTimeOffset Until, bool AllAddresses)? Failed(string address, DateTimeOffset now)
    {
        Prune(now);
        _perAddress.TryGetValue(address, out var own);
        var ownLocked = own.Fail(now, options.MaxFailedLogins, options.LockoutDuration);
        _perAddress[address] = own;
        var allLocked = _allAddresses.Fail(now, options.MaxFailedLoginsAllAddresses, options.LockoutDuration);
        return allLocked ? (_allAddresses.LockedUntil, true) : ownLocked ? (own.LockedUntil, false) : null;
    }

    /// <summary>The right password from this address: its own count starts again. The count over all addresses does not,
    /// or each login of the owner would hand a distributed guesser a fresh budget.</summary>
    public void Succeeded(string address) => _perAddress.Remove(address);

    /// <summary>Addresses tracked (for tests and bounds).</summary>
    public int Addresses => _perAddress.Count;

    // An address is forgotten once its lock is over and it has been quiet for a lockout duration.
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, counter) in _perAddress)
        {
            if (counter.LockedUntil <= now && now - counter.LastFailure >= options.LockoutDuration)
            {
                _perAddress.Remove(key);
            }
        }
    }

    private struct Counter
    {
        public int Failures;
        public DateTimeOffset LastFailure;
        public DateTimeOffset LockedUntil;

        /// <summary>Failures count while they come within a lockout duration of each other; the max-th locks.</summary>
        public bool Fail(DateTimeOffset now, int max, TimeSpan duration)
        {
            if (now - LastFailure >= duration)
            {
                Failures = 0;
            }

            Failures++;
            LastFailure = now;
            if (Failures < max)
            {
                return false;
            }

            Failures = 0;
            LockedUntil = now + duration;
            return true;
        }
    }
}
