using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Matchmaking;
using MatchmakingOptions = Tanks.Grains.Sessions.MatchmakingOptions;

namespace Tanks.Benchmarks;

/// <summary>
/// One queue shard's matching pass (<see cref="Matchmaker.Form"/>, run every <c>Matchmaking:Interval</c>): a fresh queue of
/// solos and platoons (70 % solo, 20 % duo, 10 % trio; ratings around 1500, σ 300; waits 0–60 s; nearly all of it is
/// matched), and the worst case for a pass: a queue where every turn fails (trios only, waited under 30 s: no 7v7 can be
/// made of threes), so each ticket pays its whole search and nothing leaves the queue.
/// Each call copies the queue first (Form takes from it); the copy is in the figures.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MatchmakerBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Classes = ["light", "medium", "heavy"];
    private readonly MatchmakingOptions _options = new();
    private List<MatchTicket> _fresh = [];
    private List<MatchTicket> _unformable = [];

    [Params(1_000, 10_000)]
    public int Tickets { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _fresh = new List<MatchTicket>(Tickets);
        var nextId = 1L;
        for (var i = 0; i < Tickets; i++)
        {
            var roll = random.Next(10);
            var size = roll < 7 ? 1 : roll < 9 ? 2 : 3;
            var rating = 1500 + 300 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var members = ImmutableArray.CreateRange(Enumerable.Range(0, size).Select(m =>
                new TicketMember(nextId + m, $"p{nextId + m}", Classes[random.Next(3)], rating + random.Next(-100, 100), 80)));
            _fresh.Add(new MatchTicket(nextId, members, Now.AddMilliseconds(-random.Next(60_000))));
            nextId += size;
        }

        _fresh.Sort((a, b) => a.QueuedAt.CompareTo(b.QueuedAt)); // a shard keeps its queue in arrival order
        _unformable = [.. _fresh.Select(t => t with
        {
            Members = [.. Enumerable.Range(0, 3).Select(m => t.Members[0] with { UserId = t.TicketId * 4 + m })],
            QueuedAt = Now.AddMilliseconds(-random.Next(29_000)),
        })];
        _unformable.Sort((a, b) => a.QueuedAt.CompareTo(b.QueuedAt));
    }

    [Benchmark(Description = "Form: fresh queue")]
    public int Fresh() => Matchmaker.Form([.. _fresh], Now, _options).Count;

    [Benchmark(Description = "Form: every turn fails")]
    public int Unformable() => Matchmaker.Form([.. _unformable], Now, _options).Count;
}
