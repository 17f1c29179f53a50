using System.Security.Cryptography;
using CsCheck;
using Tanks.Protocol.Game;

namespace Tanks.Protocol.Tests.Game;

/// <summary>BattleDefinition: exact layout, parts, the hash, the assembler, limits, and hostile bodies.</summary>
public sealed class BattleDefinitionMessageTests
{
    /// <summary>The built-in <c>duel</c> map with the default rules and classes, as the server sends them (Game's values, typed by hand).</summary>
    public static BattleDefinition Duel() => new(
        "duel", 120, 120, new DefinitionBase(60, 60, 8),
        new DefinitionSpawn(60, 35, 8, 4, 90), new DefinitionSpawn(60, 85, 8, 4, -90),
        new DefinitionRules(20, 420, 100, 2.5f, 3, 5, FriendlyFire: false, ResetCaptureOnDamage: true),
        [
            new DefinitionTankClass("light", 8, 16, 6, 70, 90, 2.4f, 800, 2.5f, 260, 110, 250, 0.1f, 0.4f, 220, 0.35f, 0.25f, 0.10f),
            new DefinitionTankClass("medium", 5, 13, 5, 50, 60, 2.8f, 1200, 5, 230, 240, 300, 0.1f, 0.3f, 200, 0.25f, 0.15f, 0.05f),
            new DefinitionTankClass("heavy", 3, 10, 4, 35, 35, 3.2f, 1800, 8, 200, 390, 300, 0.1f, 0.25f, 180, 0.15f, 0.08f, 0.02f),
        ],
        [
            new DefinitionObstacle(DefinitionObstacleShape.Circle, 25, 60, 5, 0, 0, 0),
            new DefinitionObstacle(DefinitionObstacleShape.Circle, 95, 60, 5, 0, 0, 0),
        ]);

    public static BattleDefinitionPackage Package(BattleDefinition d) => BattleDefinitionMessage.Build(d);

    /// <summary>The duel definition byte for byte (docs/protocol.md shows the same bytes).</summary>
    public const string DuelHex =
        "14" + "02" + "0000D243" + "0000C842" + "00002040" + "03000000" + "0000A040"           // rules
        + "0000F042" + "0000F042" + "00007042" + "00007042" + "00000041"                     // map 120 × 120, base (60, 60) r 8
        + "00007042" + "00000C42" + "00000041" + "00008040" + "0000B442"                     // spawn 0
        + "00007042" + "0000AA42" + "00000041" + "00008040" + "0000B4C2"                     // spawn 1
        + "04" + "6475656C" + "03"                                                              // "duel", 3 classes
        + "05" + "6C69676874" + "00000041" + "00008041" + "0000C040" + "00008C42" + "0000B442" + "9A991940"
        + "20030000" + "00002040" + "00008243" + "6E000000" + "00007A43" + "CDCCCC3D" + "CDCCCC3E"
        + "00005C43" + "3333B33E" + "0000803E" + "CDCCCC3D"
        + "06" + "6D656469756D" + "0000A040" + "00005041" + "0000A040" + "00004842" + "00007042" + "33333340"
        + "B0040000" + "0000A040" + "00006643" + "F0000000" + "00009643" + "CDCCCC3D" + "9A99993E"
        + "00004843" + "0000803E" + "9A99193E" + "CDCC4C3D"
        + "05" + "6865617679" + "00004040" + "00002041" + "00008040" + "00000C42" + "00000C42" + "CDCC4C40"
        + "08070000" + "00000041" + "00004843" + "86010000" + "00009643" + "CDCCCC3D" + "0000803E"
        + "00003443" + "9A99193E" + "0AD7A33D" + "0AD7A33C"
        + "0200"                                                                                // 2 obstacles
        + "00" + "0000C841" + "00007042" + "0000A040" + "00000000" + "00000000" + "00000000"
        + "00" + "0000BE42" + "00007042" + "0000A040" + "00000000" + "00000000" + "00000000";

    [Fact]
    public void The_duel_definition_is_one_part_of_the_documented_bytes()
    {
        var d = Duel();
        var package = Package(d);
        Assert.Equal(363, package.BodyBytes);
        Assert.Equal(363, BattleDefinitionMessage.BodySize(d));
        var message = Assert.Single(package.Messages);
        Assert.Equal(BattleDefinitionMessage.PartHeaderBytes + 363, message.Length);
        Assert.Equal("8702", Convert.ToHexString(message, 0, 2));
        Assert.Equal("00", Convert.ToHexString(message, 10, 1)); // part 0 of 1
        var body = message.AsSpan(BattleDefinitionMessage.PartHeaderBytes).ToArray();
        Assert.Equal(DuelHex, Convert.ToHexString(body));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(body), 0, 8), Convert.ToHexString(message, 2, 8));
        Assert.Equal(BitConverter.ToUInt64(SHA256.HashData(body), 0), package.Hash);
        Assert.Equal(0x4C3A229658102E6ul, package.Hash); // "87 02 E6 02 81 65 29 A2 C3 04 00 …" in docs/protocol.md

        Assert.Equal(GameMessageReadResult.Ok, BattleDefinitionMessage.TryReadBody(body, out var view));
        Assert.Equal("duel"u8.ToArray(), view.MapNameUtf8.ToArray());
        Assert.Equal(2, view.ObstacleCount);
        Assert.Equal(3, view.ClassCount);
        Assert.Equal(d.Classes[1], view.Class(1));
        Assert.Equal(d.Obstacles[1], view.Obstacle(1));
        Assert.True(d.ContentEquals(view.ToDefinition()));
    }

    [Fact]
    public void The_assembler_reads_a_definition_and_checks_its_hash()
    {
        var package = Package(Duel());
        var assembler = new BattleDefinitionAssembler();
        Assert.Equal(GameMessageReadResult.Ok, assembler.Receive(package.Messages[0], out var definition, out var hash));
        Assert.Equal(package.Hash, hash);
        Assert.NotNull(definition);
        Assert.True(Duel().ContentEquals(definition));

        var forged = (byte[])package.Messages[0].Clone();
        forged[^1] ^= 1; // one bit of the body: its hash no longer matches
        Assert.Equal(GameMessageReadResult.BadValue, assembler.Receive(forged, out definition, out _));
        Assert.Null(definition);
        Assert.Equal(GameMessageReadResult.Ok, assembler.Receive(package.Messages[0], out definition, out _));
        Assert.NotNull(definition);
    }

    [Fact]
    public void The_largest_definition_splits_into_thirteen_parts_assembled_in_any_order()
    {
        var d = Largest();
        var package = Package(d);
        Assert.Equal(82 + 33 + 1 + 16 * (1 + 32 + 68) + 2 + 512 * 25, package.BodyBytes);
        Assert.Equal(14_534, package.BodyBytes);
        Assert.Equal(13, package.Messages.Count);
        Assert.All(package.Messages, m => Assert.True(m.Length <= GameProtocol.MaxMessageBytes));
        Assert.All(package.Messages.Take(12), m => Assert.Equal(GameProtocol.MaxMessageBytes, m.Length));

        var assembler = new BattleDefinitionAssembler();
        BattleDefinition? definition = null;
        for (var i = package.Messages.Count - 1; i >= 0; i--)
        {
            Assert.Equal(GameMessageReadResult.Ok, assembler.Receive(package.Messages[i], out definition, out _));
            Assert.Equal(i == 0, definition is not null);
        }
        Assert.True(d.ContentEquals(definition!));
    }

    [Fact]
    public void The_writer_refuses_a_definition_outside_the_limits()
    {
        var d = Duel();
        var span = new byte[BattleDefinitionMessage.MaxBodyBytes];
        Assert.Throws<ArgumentException>(() => BattleDefinitionMessage.WriteBody(
            d with { Obstacles = [.. Enumerable.Repeat(d.Obstacles[0], 513)] }, span));
        Assert.Throws<ArgumentException>(() => BattleDefinitionMessage.WriteBody(
            d with { Classes = [.. Enumerable.Repeat(d.Classes[0], 17)] }, span));
        Assert.Throws<ArgumentException>(() => BattleDefinitionMessage.WriteBody(d with { Classes = [] }, span));
        Assert.Throws<ArgumentException>(() => BattleDefinitionMessage.WriteBody(d with { MapName = new string('m', 33) }, span));
        Assert.Throws<ArgumentException>(() => BattleDefinitionMessage.WriteBody(d with { Width = float.NaN }, span));
        Assert.Throws<ArgumentException>(() => BattleDefinitionMessage.WriteBody(d with { Rules = d.Rules with { TickRate = 0 } }, span));
    }

    [Fact]
    public void Bodies_out_of_range_get_their_verdict()
    {
        var body = Convert.FromHexString(DuelHex);
        Assert.Equal(GameMessageReadResult.Ok, BattleDefinitionMessage.TryReadBody(body, out _));
        Assert.Equal(GameMessageReadResult.BadLength, BattleDefinitionMessage.TryReadBody(body.AsSpan(0, body.Length - 1), out _));
        Assert.Equal(GameMessageReadResult.BadLength, BattleDefinitionMessage.TryReadBody([.. body, 0], out _));
        Check(0, 0, GameMessageReadResult.BadValue);                  // tick rate 0
        Check(1, 4, GameMessageReadResult.BadValue);                  // a reserved flag
        Check(5, 0x7F, GameMessageReadResult.BadValue);               // time limit NaN (7F C0 00 00 → exponent all ones)
        Check(82, 0, GameMessageReadResult.BadValue);                 // empty map name
        Check(87, 17, GameMessageReadResult.BadValue);                // 17 classes
        Check(87, 0, GameMessageReadResult.BadValue);                 // no class
        Check(88, 33, GameMessageReadResult.BadValue);                // a class name of 33 bytes
        Check(89, 0xFF, GameMessageReadResult.BadValue);              // a class name that is not UTF-8
        Check(body.Length - 50 - 1, 3, GameMessageReadResult.BadValue); // obstacle count 0x0302 > 512
        Check(body.Length - 50 - 2, 3, GameMessageReadResult.BadLength); // obstacle count 3, bytes for 2
        Check(body.Length - 25, 2, GameMessageReadResult.BadValue);   // shape 2

        void Check(int offset, byte value, GameMessageReadResult expected)
        {
            var copy = (byte[])body.Clone();
            copy[offset] = value;
            if (offset == 5)
            {
                copy[4] = 0xC0;
            }
            Assert.Equal(expected, BattleDefinitionMessage.TryReadBody(copy, out _));
        }
    }

    [Fact]
    public void Random_and_bit_flipped_bodies_never_throw()
    {
        Gen.Byte.Array[0, 2000].Sample(bytes => ReadBody(bytes) >= 0, iter: 10_000, threads: 1);
        var valid = Convert.FromHexString(DuelHex);
        var large = new byte[BattleDefinitionMessage.BodySize(Largest())];
        BattleDefinitionMessage.WriteBody(Largest(), large);
        Gen.Select(Gen.Bool, Gen.Int[0, 100_000], Gen.Int[0, 7]).Sample((big, position, bit) =>
        {
            var body = (byte[])(big ? large : valid).Clone();
            body[position % body.Length] ^= (byte)(1 << bit);
            return ReadBody(body) >= 0;
        }, iter: 10_000, threads: 1);
    }

    [Fact]
    public void Protocol_error_reads_in_any_version()
    {
        var buffer = new byte[3];
        Assert.Equal(3, new ProtocolErrorMessage(2, ProtocolErrorCode.UnsupportedVersion).WriteTo(buffer));
        Assert.Equal("8F0201", Convert.ToHexString(buffer));
        Assert.Equal(GameMessageReadResult.Ok, ProtocolErrorMessage.TryRead([0x8F, 9, 1], out var error));
        Assert.Equal(new ProtocolErrorMessage(9, ProtocolErrorCode.UnsupportedVersion), error);
        Assert.Equal(GameMessageReadResult.Ok, ProtocolErrorMessage.TryRead([0x8F, 1, 200], out error)); // a code from a later server
        Assert.Equal((ProtocolErrorCode)200, error.Code);
        Assert.Equal(GameMessageReadResult.Ok, GameProtocol.ReadHeader([0x8F, 1], out var type));
        Assert.Equal(GameMessageType.ProtocolError, type);
        Assert.Equal(GameMessageReadResult.BadLength, ProtocolErrorMessage.TryRead([0x8F, 2, 1, 0], out _));
        Assert.Equal(GameMessageReadResult.BadLength, ProtocolErrorMessage.TryRead([0x8F, 2], out _));
    }

    /// <summary>1 when the body reads (and its model builds), 0 otherwise; throws only on a bug.</summary>
    private static int ReadBody(byte[] body)
    {
        if (BattleDefinitionMessage.TryReadBody(body, out var view) != GameMessageReadResult.Ok)
        {
            return 0;
        }
        var d = view.ToDefinition();
        Assert.InRange(d.Classes.Count, 1, BattleDefinitionMessage.MaxClasses);
        Assert.InRange(d.Obstacles.Count, 0, BattleDefinitionMessage.MaxObstacles);
        return 1;
    }

    private static BattleDefinition Largest()
    {
        var d = Duel();
        return d with
        {
            MapName = new string('m', 32),
            Classes = [.. Enumerable.Range(0, 16).Select(i => d.Classes[i % 3] with { Name = new string((char)('a' + i), 32) })],
            Obstacles = [.. Enumerable.Range(0, 512).Select(i => new DefinitionObstacle(
                (DefinitionObstacleShape)(i & 1), i, i * 0.5f, 1 + i % 7, 2 + i % 5, 0.5f + i % 3, i % 360 - 180))],
        };
    }
}
