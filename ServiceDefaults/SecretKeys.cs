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
            throw new TanksConfigurationException($"Configuration '{key}' must be base64 ({minLength}..{maxLength} bytes).");
        }

        if (bytes.Length < minLength || bytes.Length > maxLength)
        {
            throw new TanksConfigurationException(
                $"Configuration '{key}' must decode to {minLength}..{maxLength} bytes, got {bytes.Length}.");
        }

        generated = false;
        return bytes;
    }
}
