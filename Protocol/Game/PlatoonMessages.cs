using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Tanks.Protocol.Game;

/// <summary>The bounds of platoon messages; the user-name limits are the accounts' (a test keeps them equal).</summary>
public static class PlatoonLimits
{
    /// <summary>Most players in a platoon, pending invitations included (the roster of <see cref="PlatoonUpdateMessage"/>).</summary>
    public const int MaxMembers = 3;

    public const int MinUserNameBytes = 3;
    public const int MaxUserNameBytes = 24;

    /// <summary>1..24 bytes of UTF-8 (a member's name as the account spells it; at least 1 so a reader can tell it apart from nothing).</summary>
    internal static bool IsName(ReadOnlySpan<byte> utf8, int minimum) => utf8.Length >= minimum && utf8.Length <= MaxUserNameBytes && Utf8.IsValid(utf8);
}

/// <summary>
/// Client → server <c>PlatoonInvite</c>: <c>05 02 nameLen:u8 name:UTF-8</c> (3..24 bytes of name; size 5..27). The
/// sender becomes the leader if they are in no platoon.
/// </summary>
public readonly record struct PlatoonInviteMessage(string UserName)
{
    public const int FixedBytes = GameProtocol.HeaderBytes + 1;

    public int WriteTo(Span<byte> destination)
    {
        Span<byte> utf8 = stackalloc byte[PlatoonLimits.MaxUserNameBytes];
        if (!Encoding.UTF8.TryGetBytes(UserName, utf8, out var n) || n < PlatoonLimits.MinUserNameBytes)
        {
            throw new ArgumentException("a user name is 3..24 bytes of UTF-8", nameof(UserName));
        }

        var size = FixedBytes + n;
        GameProtocol.WriteHeader(destination, GameMessageType.PlatoonInvite, size);
        destination[2] = (byte)n;
        utf8[..n].CopyTo(destination[3..]);
        return size;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out PlatoonInviteMessage message)
    {
        message = default;
        var result = GameProtocol.Check(payload, GameMessageType.PlatoonInvite, FixedBytes);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (payload.Length != FixedBytes + payload[2])
        {
            return GameMessageReadResult.BadLength;
        }
        var name = payload[3..];
        if (!PlatoonLimits.IsName(name, PlatoonLimits.MinUserNameBytes))
        {
            return GameMessageReadResult.BadValue;
        }
        message = new PlatoonInviteMessage(Encoding.UTF8.GetString(name));
        return GameMessageReadResult.Ok;
    }
}

/// <summary>Client → server <c>PlatoonAnswer</c>: <c>06 02 leaderId:i64 accept:u8</c> (11 bytes; accept 0 declines, 1 accepts; leader id &gt; 0).</summary>
public readonly record struct PlatoonAnswerMessage(long LeaderId, bool Accept)
{
    public const int Size = 11;

    public int WriteTo(Span<byte> destination)
    {
        GameProtocol.WriteHeader(destination, GameMessageType.PlatoonAnswer, Size);
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], LeaderId);
        destination[10] = Accept ? (byte)1 : (byte)0;
        return Size;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out PlatoonAnswerMessage message)
    {
        message = default;
        var result = GameProtocol.Check(payload, GameMessageType.PlatoonAnswer, Size);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (payload.Length != Size)
        {
            return GameMessageReadResult.BadLength;
        }
        var leaderId = BinaryPrimitives.ReadInt64LittleEndian(payload[2..]);
        if (leaderId <= 0 || payload[10] > 1)
        {
            return GameMessageReadResult.BadValue;
        }
        message = new PlatoonAnswerMessage(leaderId, payload[10] == 1);
        return GameMessageReadResult.Ok;
    }
}

/// <summary>Client → server <c>PlatoonLeave</c>: <c>07 02</c> (2 bytes). A leader leaving disbands the platoon.</summary>
public static class PlatoonLeaveMessage
{
    public const int Size = GameProtocol.HeaderBytes;

    public static int Write(Span<byte> destination)
    {
        GameProtocol.WriteHeader(destination, GameMessageType.PlatoonLeave, Size);
        return Size;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload)
    {
        var result = GameProtocol.Check(payload, GameMessageType.PlatoonLeave, Size);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        return payload.Length == Size ? GameMessageReadResult.Ok : GameMessageReadResult.BadLength;
    }
}

/// <summary>Client → server <c>PlatoonKick</c>: <c>08 02 userId:i64</c> (10 bytes, user id &gt; 0): the leader removes a member or withdraws an invitation.</summary>
public readonly record struct PlatoonKickMessage(long UserId)
{
    public const int Size = 10;

    public int WriteTo(Span<byte> destination)
    {
        GameProtocol.WriteHeader(destination, GameMessageType.PlatoonKick, Size);
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], UserId);
        return Size;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out PlatoonKickMessage message)
    {
        message = default;
        var result = GameProtocol.Check(payload, GameMessageType.PlatoonKick, Size);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (payload.Length != Size)
        {
            return GameMessageReadResult.BadLength;
        }
        var userId = BinaryPrimitives.ReadInt64LittleEndian(payload[2..]);
        if (userId <= 0)
        {
            return GameMessageReadResult.BadValue;
        }
        message = new PlatoonKickMessage(userId);
        return GameMessageReadResult.Ok;
    }
}

/// <summary>What a <c>PlatoonUpdate</c> says (the kind byte).</summary>
public enum PlatoonUpdateKind : byte
{
    /// <summary>The platoon as it now is (to every member on each change, and as the answer to a member's request).</summary>
    Update = 0,

    /// <summary>You are invited: the roster's first entry is the leader.</summary>
    Invited = 1,

    /// <summary>You are in no platoon (left, kicked, disbanded, an invitation withdrawn; or the answer when there is none).</summary>
    Disbanded = 2,
}

/// <summary>The result byte of a <c>PlatoonUpdate</c> answering a request (0 in one that answers nothing).</summary>
public enum PlatoonResultCode : byte
{
    Ok = 0,
    UnknownPlayer = 1,
    Self = 2,
    AlreadyInPlatoon = 3,
    Full = 4,
    NoInvite = 5,
    NotLeader = 6,
    NotMember = 7,
    Unavailable = 8,
}

/// <summary>The flags byte of <c>PlatoonUpdate</c>; other bits are reserved (zero).</summary>
[Flags]
public enum PlatoonUpdateFlags : byte
{
    None = 0,

    /// <summary>The platoon's ticket is in the queue (every member was ready).</summary>
    Queued = 1,

    /// <summary>The answer to this client's last platoon request (else a change someone else made).</summary>
    Reply = 2,
}

/// <summary>The flags byte of a roster entry; other bits are reserved (zero).</summary>
[Flags]
public enum PlatoonMemberFlags : byte
{
    None = 0,
    Ready = 1,

    /// <summary>Not a member yet: an invitation is pending.</summary>
    Invited = 2,
}

/// <summary>One roster entry of <see cref="PlatoonUpdateMessage"/>: <c>userId:i64 flags:u8 nameLen:u8 name:UTF-8</c> (1..24 bytes of name).</summary>
public readonly record struct PlatoonMemberEntry(long UserId, PlatoonMemberFlags Flags, string UserName)
{
    public const int FixedBytes = 10;

    public bool Ready => (Flags & PlatoonMemberFlags.Ready) != 0;

    public bool Invited => (Flags & PlatoonMemberFlags.Invited) != 0;
}

/// <summary>
/// Server → client <c>PlatoonUpdate</c>: <c>86 02 kind:u8 result:u8 flags:u8 leaderId:i64 count:u8 entries:count×(10+nameLen)</c>.
/// Kind 0..2, result 0..8, count 0..3 (members, the leader first, then pending invitees), leader id 0 only when the
/// count is 0. Size = 14 + Σ(10 + nameLen) (≤ 116).
/// </summary>
public sealed record PlatoonUpdateMessage(
    PlatoonUpdateKind Kind, PlatoonResultCode Result, PlatoonUpdateFlags Flags, long LeaderId, IReadOnlyList<PlatoonMemberEntry> Members)
{
    public const int FixedBytes = GameProtocol.HeaderBytes + 3 + 8 + 1;

    public const int MaxSize = FixedBytes + PlatoonLimits.MaxMembers * (PlatoonMemberEntry.FixedBytes + PlatoonLimits.MaxUserNameBytes);

    public bool Queued => (Flags & PlatoonUpdateFlags.Queued) != 0;

    public bool IsReply => (Flags & PlatoonUpdateFlags.Reply) != 0;

    /// <summary>Writes the message; throws for more than 3 entries or a name that is not 1..24 bytes of UTF-8 (a caller bug).</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (Members.Count > PlatoonLimits.MaxMembers)
        {
            throw new ArgumentException("at most 3 platoon entries", nameof(Members));
        }

        var size = FixedBytes;
        Span<byte> name = stackalloc byte[PlatoonLimits.MaxUserNameBytes];
        foreach (var member in Members)
        {
            if (!Encoding.UTF8.TryGetBytes(member.UserName, name, out var n) || n == 0)
            {
                throw new ArgumentException("a member name is 1..24 bytes of UTF-8", nameof(Members));
            }

            size += PlatoonMemberEntry.FixedBytes + n;
        }

        GameProtocol.WriteHeader(destination, GameMessageType.PlatoonUpdate, size);
        destination[2] = (byte)Kind;
        destination[3] = (byte)Result;
        destination[4] = (byte)Flags;
        BinaryPrimitives.WriteInt64LittleEndian(destination[5..], LeaderId);
        destination[13] = (byte)Members.Count;
        var o = FixedBytes;
        foreach (var member in Members)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[o..], member.UserId);
            destination[o + 8] = (byte)member.Flags;
            var n = Encoding.UTF8.GetBytes(member.UserName, destination[(o + 10)..]);
            destination[o + 9] = (byte)n;
            o += PlatoonMemberEntry.FixedBytes + n;
        }

        return o;
    }

    public static GameMessageReadResult TryRead(ReadOnlySpan<byte> payload, out PlatoonUpdateMessage? message)
    {
        message = null;
        var result = GameProtocol.Check(payload, GameMessageType.PlatoonUpdate, FixedBytes);
        if (result != GameMessageReadResult.Ok)
        {
            return result;
        }
        if (payload.Length > MaxSize)
        {
            return GameMessageReadResult.BadLength;
        }
        int count = payload[13];
        var leaderId = BinaryPrimitives.ReadInt64LittleEndian(payload[5..]);
        if (payload[2] > (byte)PlatoonUpdateKind.Disbanded || payload[3] > (byte)PlatoonResultCode.Unavailable
            || (payload[4] & ~(byte)(PlatoonUpdateFlags.Queued | PlatoonUpdateFlags.Reply)) != 0
            || count > PlatoonLimits.MaxMembers || leaderId < 0 || (leaderId == 0 && count > 0))
        {
            return GameMessageReadResult.BadValue;
        }

        // The lengths first (a wrong length is BadLength whatever the bytes), then the values.
        var o = FixedBytes;
        for (var i = 0; i < count; i++)
        {
            if (payload.Length < o + PlatoonMemberEntry.FixedBytes)
            {
                return GameMessageReadResult.BadLength;
            }
            o += PlatoonMemberEntry.FixedBytes + payload[o + 9];
        }
        if (payload.Length != o)
        {
            return GameMessageReadResult.BadLength;
        }

        var members = new PlatoonMemberEntry[count];
        o = FixedBytes;
        for (var i = 0; i < count; i++)
        {
            var userId = BinaryPrimitives.ReadInt64LittleEndian(payload[o..]);
            var flags = payload[o + 8];
            var name = payload.Slice(o + 10, payload[o + 9]);
            if (userId <= 0 || (flags & ~(byte)(PlatoonMemberFlags.Ready | PlatoonMemberFlags.Invited)) != 0 || flags == 3
                || !PlatoonLimits.IsName(name, 1))
            {
                return GameMessageReadResult.BadValue;
            }
            members[i] = new PlatoonMemberEntry(userId, (PlatoonMemberFlags)flags, Encoding.UTF8.GetString(name));
            o += PlatoonMemberEntry.FixedBytes + name.Length;
        }

        message = new PlatoonUpdateMessage((PlatoonUpdateKind)payload[2], (PlatoonResultCode)payload[3], (PlatoonUpdateFlags)payload[4], leaderId, members);
        return GameMessageReadResult.Ok;
    }
}
