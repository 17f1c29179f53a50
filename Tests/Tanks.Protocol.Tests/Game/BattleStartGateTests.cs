using Tanks.Client.Battle;
using Tanks.Protocol.Game;

namespace Tanks.Protocol.Tests.Game;

/// <summary>A start is completed by its definition whatever the order, held while it is missing, and asked for again once a second.</summary>
public sealed class BattleStartGateTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static BattleStartInfo Start(ulong hash) =>
        new(Guid.NewGuid(), "duel", 20, 1, 0, [new BattlePlayer(0, 0, 1, 5), new BattlePlayer(1, 1, 1, 6)], hash, null!);

    [Fact]
    public void A_start_behind_its_definition_completes_at_once()
    {
        var package = BattleDefinitionMessageTests.Package(BattleDefinitionMessageTests.Duel());
        var gate = new BattleStartGate();
        Assert.Null(gate.OnDefinitionPart(package.Messages[0]));
        var start = gate.OnStart(Start(package.Hash), T0);
        Assert.NotNull(start);
        Assert.True(BattleDefinitionMessageTests.Duel().ContentEquals(start.Definition));
        Assert.Null(gate.Pending);
        Assert.False(gate.ShouldAskAgain(T0 + TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_start_whose_definition_was_lost_is_held_and_asked_for_again_once_a_second_until_it_comes()
    {
        var package = BattleDefinitionMessageTests.Package(BattleDefinitionMessageTests.Duel());
        var gate = new BattleStartGate();
        var held = Start(package.Hash);
        Assert.Null(gate.OnStart(held, T0));
        Assert.Same(held, gate.Pending);
        Assert.False(gate.ShouldAskAgain(T0 + TimeSpan.FromMilliseconds(999)));
        Assert.True(gate.ShouldAskAgain(T0 + TimeSpan.FromSeconds(1)));
        Assert.False(gate.ShouldAskAgain(T0 + TimeSpan.FromSeconds(1.5)));
        Assert.True(gate.ShouldAskAgain(T0 + TimeSpan.FromSeconds(2)));

        // The answer to JoinQueue: definition, then the start again. The definition alone completes the held start
        // (it may also have been merely overtaken); the repeated start then completes at once.
        var completed = gate.OnDefinitionPart(package.Messages[0]);
        Assert.NotNull(completed);
        Assert.Equal(held.BattleId, completed.BattleId);
        Assert.NotNull(completed.Definition);
        Assert.Null(gate.Pending);
        Assert.NotNull(gate.OnStart(held, T0 + TimeSpan.FromSeconds(2.1)));
        Assert.False(gate.ShouldAskAgain(T0 + TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_definition_of_another_hash_or_a_forged_one_completes_nothing()
    {
        var duel = BattleDefinitionMessageTests.Duel();
        var package = BattleDefinitionMessageTests.Package(duel);
        var other = BattleDefinitionMessageTests.Package(duel with { MapName = "duel2" });
        var gate = new BattleStartGate();
        Assert.Null(gate.OnStart(Start(package.Hash), T0));
        Assert.Null(gate.OnDefinitionPart(other.Messages[0]));
        Assert.True(gate.TryGetDefinition(other.Hash, out _)); // kept for a later start on that map
        var forged = (byte[])package.Messages[0].Clone();
        forged[^1] ^= 0x80;
        Assert.Null(gate.OnDefinitionPart(forged));
        Assert.NotNull(gate.Pending);
        gate.Clear(); // the battle ended meanwhile
        Assert.Null(gate.Pending);
        Assert.False(gate.ShouldAskAgain(T0 + TimeSpan.FromSeconds(3)));
    }
}
