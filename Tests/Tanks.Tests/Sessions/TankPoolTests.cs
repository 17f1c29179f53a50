using Tanks.Game;
using Tanks.Grains.Sessions;

namespace Tanks.Tests.Sessions;

public sealed class TankPoolTests
{
    [Fact]
    public void Returned_tanks_are_cleared_and_handed_out_again()
    {
        var pool = new TankPool(maximumRetained: 32);
        var first = pool.Rent(14);
        var battle = new Battle(new BattleSetup(BuiltInMaps.Duel, [new PlayerSlot(0, 0, 1), new PlayerSlot(1, 0, 2)], 1), first[..2]);
        battle.Step([new TankInput(1, 0, 0, true), default]);
        Assert.Equal(1L, first[0].PlayerId);

        pool.Return(first);
        var second = pool.Rent(14);

        Assert.Equal(14, first.ToHashSet(ReferenceEqualityComparer.Instance).Count);
        Assert.True(second.All(t => first.Contains(t)), "a warm pool allocates no new tanks");
        Assert.All(second, t => Assert.Equal(-1, t.Id));
        Assert.All(second, t => Assert.Equal(0L, t.PlayerId));
    }
}
