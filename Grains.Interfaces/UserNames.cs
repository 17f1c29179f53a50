namespace Tanks.Grains.Interfaces;

/// <summary>The rules for user names and passwords, shared by the gateway (early rejection) and the grain (the authority).</summary>
public static class UserNames
{
    public const int MinLength = 3;
    public const int MaxLength = 24;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    /// <summary>Lower-cases the name and checks it is 3–24 characters of [a-z0-9_]; null when it is not.</summary>
    public static string? Normalize(string? name)
    {
        if (name is null || name.Length < MinLength || name.Length > MaxLength)
        {
            return null;
        }

        Span<char> buffer = stackalloc char[MaxLength];
        for (var i = 0; i < name.Length; i++)
        {
            var c = char.ToLowerInvariant(name[i]);
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_'))
            {
                return null;
            }

            buffer[i] = c;
        }

        return new string(buffer[..name.Length]);
    }

    /// <summary>8–128 characters (UTF-16 code units), nothing else imposed: long passphrases are welcome.</summary>
    public static bool IsAcceptablePassword(string? password)
        => password is { Length: >= MinPasswordLength and <= MaxPasswordLength };
}
