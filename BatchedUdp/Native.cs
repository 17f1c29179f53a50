using System.Runtime.InteropServices;

namespace Tanks.BatchedUdp;

/// <summary>
/// The libc calls and struct layouts used here, for Linux on 64-bit (x86-64 and arm64 share them: LP64, glibc and musl).
/// Offsets are spelled out rather than declared as structs so each one can be checked against the headers.
/// </summary>
internal static unsafe partial class Native
{
    // struct iovec { void *iov_base; size_t iov_len; }
    public const int IovecBytes = 16;

    // struct msghdr { void *msg_name; socklen_t msg_namelen; (pad) struct iovec *msg_iov; size_t msg_iovlen;
    //                 void *msg_control; size_t msg_controllen; int msg_flags; (pad) }
    // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; (pad) }
    public const int MmsghdrBytes = 64;
    public const int MsgName = 0;
    public const int MsgNameLen = 8;
    public const int MsgIov = 16;
    public const int MsgIovLen = 24;
    public const int MsgControl = 32;
    public const int MsgControlLen = 40;
    public const int MsgFlags = 48;
    public const int MsgLen = 56;

    /// <summary>Room for a sockaddr_in6 (28 bytes), the largest address family used.</summary>
    public const int SockaddrBytes = 32;

    // struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } then the data, aligned to 8.
    // IP_PKTINFO data: struct in_pktinfo { int ipi_ifindex; struct in_addr ipi_spec_dst; struct in_addr ipi_addr; }
    public const int CmsgHeaderBytes = 16;
    public const int InPktinfoBytes = 12;
    public const int PktinfoCmsgLen = CmsgHeaderBytes + InPktinfoBytes;   // CMSG_LEN(12) = 28
    public const int PktinfoCmsgSpace = CmsgHeaderBytes + 16;             // CMSG_SPACE(12) = 32
    public const int PktinfoSpecDst = CmsgHeaderBytes + 4;
    public const int PktinfoAddr = CmsgHeaderBytes + 8;

    public const int SolSocket = 1;
    public const int SoRcvTimeo = 20;
    public const int IpProtoIp = 0;
    public const int IpPktinfo = 8;

    public const int MsgTrunc = 0x20;
    public const int MsgDontWait = 0x40;
    public const int MsgWaitForOne = 0x10000;

    public const int EIntr = 4;
    public const int EAgain = 11;

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(nint fd, byte* msgvec, uint vlen, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(nint fd, byte* msgvec, uint vlen, int flags);

    public static bool IsSupported { get; } =
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;
}
