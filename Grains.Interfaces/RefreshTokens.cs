namespace Tanks.Grains.Interfaces;

/// <summary>
/// Refresh tokens look like <c>rt1.&lt;user name&gt;.&lt;43 chars base64url&gt;</c>: the name routes the token to its
/// <see cref="IUserGrain"/>, the random part (32 bytes) is the secret, of which the grain stores only a SHA-256 hash.
/// </summary>
public static class RefreshTokens
{
    public const string Prefix = "rt1.";
    public const int SecretBytes = 32;
    public const int MaxLength = 128;

    /// <summary>The normalized user name inside a well-formed token, or null.</summary>
    public static string? UserNameOf(string? token)
    {
        if (token is null || token.Length > MaxLength || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = token.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0)
        {
            return null;
        }

        var name = rest[..dot].ToString();
        return UserNames.Normalize(name) == name ? name : null;
    }
}
