using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace Tanks.Grains.Accounts;

/// <summary>
/// Argon2id password hashes (libsodium through NSec) in the PHC string format,
/// <c>$argon2id$v=19$m=19456,t=2,p=1$&lt;salt&gt;$&lt;hash&gt;</c>, so that a change of cost keeps old hashes verifiable.
/// Hashing runs on the thread pool, never on the caller's (grain scheduler's) thread, and at most
/// <see cref="AccountOptions.MaxConcurrentHashes"/> at once.
/// </summary>
public sealed class PasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private readonly AccountOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly byte[] _dummySalt = RandomNumberGenerator.GetBytes(SaltBytes);
    private readonly byte[] _dummyExpected = RandomNumberGenerator.GetBytes(HashBytes);
    private long _derivations;

    public PasswordHasher(IOptions<AccountOptions> options)
    {
        _options = options.Value;
        var slots = _options.MaxConcurrentHashes > 0 ? _options.MaxConcurrentHashes : Environment.ProcessorCount;
        _slots = new SemaphoreSlim(slots, slots);
    }

    /// <summary>Argon2id derivations this instance has run (hash, verify or dummy): the work a login costs, for tests and tuning.</summary>
    public long Derivations => Interlocked.Read(ref _derivations);

    public Task<string> HashAsync(string password) => RunAsync(() => Hash(password));

    public Task<bool> VerifyAsync(string password, string encoded) => RunAsync(() => Verify(password, encoded, Count));

    /// <summary>
    /// One derivation at the current cost against a random hash, as a verification of a real account costs, so an
    /// unknown user name cannot be told apart by timing. Nothing is computed ahead on the first call (that would make
    /// the first unknown name after a start slower than a real one). Always false.
    /// </summary>
    public Task<bool> VerifyDummyAsync(string password) => RunAsync(() =>
    {
        var actual = Count(Derive(password, _dummySalt, _options.Argon2MemoryKiB, _options.Argon2Iterations));
        _ = CryptographicOperations.FixedTimeEquals(actual, _dummyExpected); // as the real path compares
        return false;
    });

    /// <summary>True when a stored hash was made with another cost than the current one (re-hash it on the next good login).</summary>
    public bool NeedsRehash(string encoded)
        => !TryParse(encoded, out var memoryKiB, out var iterations, out _, out _)
            || memoryKiB != _options.Argon2MemoryKiB || iterations != _options.Argon2Iterations;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Count(Derive(password, salt, _options.Argon2MemoryKiB, _options.Argon2Iterations));
        return $"$argon2id$v=19$m={_options.Argon2MemoryKiB},t={_options.Argon2Iterations},p=1$"
            + $"{Convert.ToBase64String(salt).TrimEnd('=')}${Convert.ToBase64String(hash).TrimEnd('=')}";
    }

    public static bool Verify(string password, string encoded) => Verify(password, encoded, static b => b);

    private static bool Verify(string password, string encoded, Func<byte[], byte[]> count)
    {
        if (!TryParse(encoded, out var memoryKiB, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = count(Derive(password, salt, memoryKiB, iterations));
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private byte[] Count(byte[] derived)
    {
        Interlocked.Increment(ref _derivations);
        return derived;
    }

    private static byte[] Derive(string password, byte[] salt, int memoryKiB, int iterations)
    {
        var parameters = new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKiB,
            NumberOfPasses = iterations,
        };
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(in parameters);
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return algorithm.DeriveBytes(passwordBytes, salt, HashBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    private static bool TryParse(string encoded, out int memoryKiB, out int iterations, out byte[] salt, out byte[] hash)
    {
        memoryKiB = iterations = 0;
        salt = hash = [];
        // "", "argon2id", "v=19", "m=..,t=..,p=1", salt, hash
        var parts = encoded.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19")
        {
            return false;
        }

        foreach (var setting in parts[3].Split(','))
        {
            var kv = setting.Split('=');
            if (kv.Length != 2 || !int.TryParse(kv[1], out var value))
            {
                return false;
            }

            switch (kv[0])
            {
                case "m": memoryKiB = value; break;
                case "t": iterations = value; break;
                case "p" when value == 1: break;
                default: return false;
            }
        }

        return memoryKiB > 0 && iterations > 0
            && TryFromUnpaddedBase64(parts[4], out salt)
            && TryFromUnpaddedBase64(parts[5], out hash) && hash.Length == HashBytes;
    }

    private static bool TryFromUnpaddedBase64(string text, out byte[] bytes)
    {
        var padded = text + new string('=', (4 - text.Length % 4) % 4);
        try
        {
            bytes = Convert.FromBase64String(padded);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private async Task<T> RunAsync<T>(Func<T> work)
    {
        await _slots.WaitAsync().ConfigureAwait(false);
        try
        {
            // Task.Run leaves the grain's turn: other grains on this silo keep running while the hash is computed.
            return await Task.Run(work).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
