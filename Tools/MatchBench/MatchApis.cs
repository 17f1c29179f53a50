namespace Tanks.MatchBench;

/// <summary>
/// The matchmaking designs the bench knows (<c>--api</c>): where their battles report their end, and how to call them.
/// A new design is one more entry and one more <see cref="IMatchmaking"/>.
/// </summary>
public static class MatchApis
{
    public sealed record Api(string Name, BattleOwner Owner, Func<BenchCluster, IMatchmaking> Create);

    public static IReadOnlyList<Api> All { get; } =
    [
        new("shards", BattleOwner.Shard, cluster => new ShardMatchmaking(cluster.Client, cluster.SiloServices)),
    ];

    public static Api? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
