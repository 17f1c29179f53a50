namespace Tanks.Protocol.Netcode;

/// <summary>The address type byte of a token address.</summary>
public enum NetcodeAddressType : byte
{
    /// <summary>Not an address (default value).</summary>
    None = 0,

    /// <summary>4 octets + port.</summary>
    IPv4 = 1,

    /// <summary>8 u16 groups + port.</summary>
    IPv6 = 2,
}
