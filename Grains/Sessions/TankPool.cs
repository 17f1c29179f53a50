using Microsoft.Extensions.ObjectPool;
using Tanks.Game;

namespace Tanks.Grains.Sessions;

/// <summary>
/// The silo's pool of <see cref="Tank"/> objects (Microsoft.Extensions.ObjectPool): battles rent 14 at start and return
/// them at the end, so starting battles at a steady rate allocates no tanks.
/// </summary>
public sealed class TankPool
{
    private readonly ObjectPool<Tank> _pool;

    public TankPool(int maximumRetained = 4096)
    {
        _pool = new DefaultObjectPoolProvider { MaximumRetained = maximumRetained }.Create(new TankPolicy());
    }

    public Tank[] Rent(int count)
    {
        var tanks = new Tank[count];
        for (var i = 0; i < count; i++)
        {
            tanks[i] = _pool.Get();
        }

        return tanks;
    }

    public void Return(Tank[] tanks)
    {
        foreach (var tank in tanks)
        {
            _pool.Return(tank);
        }
    }

    private sealed class TankPolicy : PooledObjectPolicy<Tank>
    {
        public override Tank Create() => new();

        public override bool Return(Tank tank)
        {
            tank.Clear();
            return true;
        }
    }
}
