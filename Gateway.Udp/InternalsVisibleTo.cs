using System.Runtime.CompilerServices;

// The gateway's battle rooms tested in-process (frame order, BattleStart before snapshots, acks across a restart).
[assembly: InternalsVisibleTo("Tanks.Tests")]
