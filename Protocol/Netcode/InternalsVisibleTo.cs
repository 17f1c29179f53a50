using System.Runtime.CompilerServices;

// The conformance tests rebuild malformed-but-authentic vector packets with NetcodePacketWriter.WriteEncrypted.
[assembly: InternalsVisibleTo("Tanks.Protocol.Tests")]
