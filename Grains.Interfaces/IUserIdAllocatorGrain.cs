namespace Tanks.Grains.Interfaces;

/// <summary>Hands out the stable numeric user ids (also the netcode client ids). Use key 0.</summary>
[Alias("Tanks.IUserIdAllocatorGrain")]
public interface IUserIdAllocatorGrain : IGrainWithIntegerKey
{
    /// <summary>The next unused id; never returns the same id twice, across restarts.</summary>
    [Alias("Allocate")]
    Task<long> AllocateAsync();
}
