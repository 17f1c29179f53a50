using Orleans.Runtime;
using Tanks.Grains.Interfaces;

namespace Tanks.Grains.Accounts;

/// <summary>
/// A persisted counter. One write per new account is cheap next to the Argon2id hash that every
/// registration costs anyway, and it makes ids dense, unique and stable (netcode client ids).
/// </summary>
public sealed class UserIdAllocatorGrain(
    [PersistentState("userIds", StorageNames.Accounts)] IPersistentState<UserIdAllocatorState> state)
    : Grain, IUserIdAllocatorGrain
{
    public async Task<long> AllocateAsync()
    {
        var id = state.State.LastId + 1;
        state.State.LastId = id;
        await state.WriteStateAsync();
        return id;
    }
}

[GenerateSerializer, Alias("Tanks.UserIdAllocatorState")]
public sealed class UserIdAllocatorState
{
    [Id(0)] public long LastId { get; set; }
}
