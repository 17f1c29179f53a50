using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Tanks.ServiceDefaults;

/// <summary>Reads binary secrets (base64) from configuration; a local run without one gets a random key for this process only.</summary>
public static class SecretKeys
{
    /// <summary>
    /// Returns the key at <paramref name="key"/>, or, when it is not configured, a fresh random key and
    /// <c>generated = true</c> so the caller can warn that tokens will not survive a restart.
    /// </summary>
    public static byte[] ReadOrGenerate(IConfiguration configuration, string key, int minLength, int maxLength, out bool generated)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            generated = true;
            return RandomNumberGenerator.GetBytes(minLength);
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            // The value is a secret: named, never echoed.
            throw new TanksConfigurationException(
                $"{key.Replace(":", "__", StringComparison.Ordinal)} ({key}) is not base64: it must be {minLength}..{maxLength} bytes in base64 (value not shown: a secret)");
        }

        if (bytes.Length < minLength || bytes.Length > maxLength)
        {
            throw new TanksConfigurationException(
                $"{key.Replace(":", "__", StringComparison.Ordinal)} ({key}) decodes to {bytes.Length} bytes: it must be {minLength}..{maxLength} bytes in base64 (value not shown: a secret)");
        }

        generated = false;
        return bytes;
    }
}
