using System.Text;

namespace Tanks.Protocol.Auth;

/// <summary>
/// What Tanks puts into the 256 user-data bytes of a netcode connect token (sealed with the server key, so the UDP
/// gateway can trust it): byte 0 = layout version (1), byte 1 = length n of the user name, bytes 2..2+n = the
/// normalized user name in ASCII ([a-z0-9_], 3–24 characters), the rest zero.
/// </summary>
public static class ConnectTokenUserData
{
    public const byte Version = 1;
    private const int MaxNameBytes = 64;

    public static void Write(Span<byte> userData, string userName)
    {
        var length = Encoding.ASCII.GetByteCount(userName);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxNameBytes);
        userData.Clear();
        userData[0] = Version;
        userData[1] = (byte)length;
        Encoding.ASCII.GetBytes(userName, userData[2..]);
    }

    /// <summary>The user name, or null when the bytes do not follow the layout (a token minted elsewhere).</summary>
    public static string? ReadUserName(ReadOnlySpan<byte> userData)
    {
        if (userData.Length < 2 || userData[0] != Version || userData[1] is 0 or > MaxNameBytes || userData.Length < 2 + userData[1])
        {
            return null;
        }

        var name = userData.Slice(2, userData[1]);
        foreach (var b in name)
        {
            if (!(b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'_'))
            {
                return null;
            }
        }

        return Encoding.ASCII.GetString(name);
    }
}
