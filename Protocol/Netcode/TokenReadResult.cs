namespace Tanks.Protocol.Netcode;

/// <summary>The verdict of reading a connect token (public or private part).</summary>
public enum TokenReadResult
{
    /// <summary>Read.</summary>
    Ok = 0,

    /// <summary>The buffer has the wrong size (2048 public, at least 1008 private plaintext).</summary>
    BadLength,

    /// <summary>Public token: version info is not "NETCODE 1.02\0".</summary>
    BadVersion,

    /// <summary>Public token: create timestamp later than expire timestamp.</summary>
    CreateAfterExpire,

    /// <summary>Number of server addresses outside [1, 32].</summary>
    BadAddressCount,

    /// <summary>An address type other than 1 (IPv4) or 2 (IPv6).</summary>
    BadAddressType,
}
