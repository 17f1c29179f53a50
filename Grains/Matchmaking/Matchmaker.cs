using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Sessions;
using Tanks.Protocol.Game;

namespace Tanks.Grains.Matchmaking;

/// <summary>
/// Forms battles from one shard's queue of tickets (solo players and platoons of up to three). Pure and deterministic: the
/// caller owns the queue and the clock. docs/matchmaking.md has the rules and their numbers.
/// <list type="number">
/// <item>Tickets take turns oldest first (the anchor). An anchor's wait sets the smallest team it accepts (full; after
/// <see cref="MatchmakingOptions.ReducedTeamsAfter"/> down to <see cref="MatchmakingOptions.ReducedTeamSize"/>; after
/// <see cref="MatchmakingOptions.AnyTeamsAfter"/> down to 1v1) and the rating spread (<see cref="MatchmakingOptions.RatingSpreadSteps"/>).</item>
/// <item>Its neighbours in rating order are gathered nearest first while every player stays within that spread, per ticket
/// size and only as many as a battle could use.</item>
/// <item>The largest team size those sizes fill on both sides wins (platoons preferred over solos), the nearest tickets of
/// each size are taken, and they are split by rating, then swapped to even out the tank classes.</item>
/// </list>
/// Cost: one sort, then per anchor a binary search and a bounded walk: O(n log n + n·TeamSize).
/// </summary>
public static class Matchmaker
{
    /// <summary>
    /// Takes battles out of <paramref name="queue"/> and returns them; tickets left over stay queued in their order. A ticket's
    /// members always land on one team, and a ticket is in at most one battle. <paramref name="maxTeamSize"/>: what the map holds.
    /// Tickets of no member or more than <see cref="MatchTicket.MaxPlatoonSize"/> are never matched (and stay).
    /// </summary>
    public static List<FormedBattle> Form(List<MatchTicket> queue, DateTimeOffset now, MatchmakingOptions options, int maxTeamSize = int.MaxValue)
    {
        var battles = new List<FormedBattle>();
        if (queue.Count < 2)
        {
            return battles;
        }

        var fullTeam = Math.Max(1, Math.Min(options.TeamSize, maxTeamSize));
        var pool = new TicketPool(queue);
        var search = new Search(pool, fullTeam);
        foreach (var anchor in pool.ByAge)
        {
            if (pool.Used[anchor] || pool.Size[anchor] == 0 || pool.Size[anchor] > fullTeam)
            {
                continue;
            }

            var waited = now - queue[anchor].QueuedAt;
            var smallestTeam = waited >= options.AnyTeamsAfter ? 1
                : waited >= options.ReducedTeamsAfter ? Math.Min(options.ReducedTeamSize, fullTeam)
                : fullTeam;

            // A platoon whose own members are further apart than the step allows is not held back by that: it chose to play together.
            var spread = Math.Max(options.RatingSpreadAfter(waited), pool.Max[anchor] - pool.Min[anchor]);
            if (search.TryForm(anchor, spread, smallestTeam) is { } battle)
            {
                battles.Add(battle);
            }
        }

        var kept = 0;
        for (var i = 0; i < queue.Count; i++)
        {
            if (!pool.Used[i])
            {
                queue[kept++] = queue[i];
            }
        }

        queue.RemoveRange(kept, queue.Count - kept);
        return battles;
    }

    /// <summary>The tickets as arrays: size, rating bounds, class counts, age rank; per size, indices in rating order.</summary>
    private sealed class TicketPool
    {
        public readonly List<MatchTicket> Tickets;
        public readonly int[] Size;
        public readonly double[] Min;
        public readonly double[] Max;
        public readonly double[] Key; // mean rating: the order tickets are sorted and gathered by
        public readonly double[] Sum;
        public readonly int[] AgeRank;
        public readonly int[] ByAge;
        public readonly int[] Classes; // three counts per ticket: light, medium, heavy
        public readonly bool[] Used;
        public readonly RatingOrder[] BySize = new RatingOrder[MatchTicket.MaxPlatoonSize + 1];

        public TicketPool(List<MatchTicket> tickets)
        {
            Tickets = tickets;
            var n = tickets.Count;
            Size = new int[n];
            Min = new double[n];
            Max = new double[n];
            Key = new double[n];
            Sum = new double[n];
            AgeRank = new int[n];
            ByAge = new int[n];
            Classes = new int[n * TankClassCodes.Count];
            Used = new bool[n];
            var queuedAt = new long[n];
            var counts = new int[MatchTicket.MaxPlatoonSize + 1];
            for (var i = 0; i < n; i++)
            {
                var members = tickets[i].Members;
                queuedAt[i] = tickets[i].QueuedAt.UtcTicks;
                ByAge[i] = i;
                if (members.IsDefaultOrEmpty || members.Length > MatchTicket.MaxPlatoonSize)
                {
                    continue; // Size 0: never matched
                }

                Size[i] = members.Length;
                counts[members.Length]++;
                Min[i] = double.MaxValue;
                Max[i] = double.MinValue;
                foreach (var member in members)
                {
                    Min[i] = Math.Min(Min[i], member.Rating);
                    Max[i] = Math.Max(Max[i], member.Rating);
                    Sum[i] += member.Rating;
                    Classes[i * TankClassCodes.Count + TankClassCodes.Id(member.TankClass)]++;
                }

                Key[i] = Sum[i] / members.Length;
            }

            // Oldest first; equal times in queue order, so the result never depends on the sort's stability.
            Array.Sort(queuedAt, ByAge);
            for (var lo = 0; lo < n;)
            {
                var hi = lo + 1;
                while (hi < n && queuedAt[hi] == queuedAt[lo])
                {
                    hi++;
                }

                Array.Sort(ByAge, lo, hi - lo);
                lo = hi;
            }

            for (var rank = 0; rank < n; rank++)
            {
                AgeRank[ByAge[rank]] = rank;
            }

            for (var size = 1; size <= MatchTicket.MaxPlatoonSize; size++)
            {
                var order = new int[counts[size]];
                var k = 0;
                foreach (var i in ByAge)
                {
                    if (Size[i] == size)
                    {
                        order[k++] = i;
                    }
                }

                BySize[size] = new RatingOrder(this, order);
            }
        }

        /// <summary>Rating order, then age: the order ties are gathered in (older first).</summary>
        public int Compare(int a, int b)
        {
            var byKey = Key[a].CompareTo(Key[b]);
            return byKey != 0 ? byKey : AgeRank[a].CompareTo(AgeRank[b]);
        }

        public void Take(int ticket)
        {
            Used[ticket] = true;
            BySize[Size[ticket]].Remove(ticket);
        }
    }

    /// <summary>
    /// One size's tickets sorted by rating, with the free ones found in both directions in near-constant time: taken positions
    /// are skipped by two disjoint-set forests (each points past a taken position; paths are compressed as they are walked).
    /// </summary>
    private sealed class RatingOrder
    {
        private readonly TicketPool _pool;
        private readonly int[] _right; // _right[p]: p if free, else towards the next free position to the right (Length: none)
        private readonly int[] _left; // _left[p + 1]: p + 1 if free, else towards the next free to the left (0: none)
        private readonly int[] _position;

        public RatingOrder(TicketPool pool, int[] order)
        {
            _pool = pool;
            Array.Sort(order, pool.Compare);
            Order = order;
            _right = new int[order.Length + 1];
            _left = new int[order.Length + 1];
            _position = new int[pool.Size.Length];
            for (var p = 0; p <= order.Length; p++)
            {
                _right[p] = p;
                _left[p] = p;
            }

            for (var p = 0; p < order.Length; p++)
            {
                _position[order[p]] = p;
            }
        }

        public int[] Order { get; }

        public int PositionOf(int ticket) => _position[ticket];

        /// <summary>The first position whose ticket sorts after <paramref name="ticket"/> (which is not of this size).</summary>
        public int UpperBound(int ticket)
        {
            int lo = 0, hi = Order.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_pool.Compare(Order[mid], ticket) < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }

        /// <summary>The first free position at or right of <paramref name="p"/>; <see cref="Order"/>.Length if none.</summary>
        public int FreeAtOrRight(int p) => p >= Order.Length ? Order.Length : Find(_right, p);

        /// <summary>The first free position at or left of <paramref name="p"/>; −1 if none.</summary>
        public int FreeAtOrLeft(int p) => p < 0 ? -1 : Find(_left, p + 1) - 1;

        public void Remove(int ticket)
        {
            var p = _position[ticket];
            _right[p] = p + 1;
            _left[p + 1] = p;
        }

        private static int Find(int[] parent, int p)
        {
            var root = p;
            while (parent[root] != root)
            {
                root = parent[root];
            }

            while (parent[p] != root)
            {
                var next = parent[p];
                parent[p] = root;
                p = next;
            }

            return root;
        }
    }

    /// <summary>The per-anchor work, with its buffers reused across anchors (nothing is allocated for an anchor that fails).</summary>
    private sealed class Search(TicketPool pool, int fullTeam)
    {
        private const int Sizes = MatchTicket.MaxPlatoonSize;

        // Per size, the gathered tickets nearest first; at most what one battle of two full teams could use.
        private readonly List<int>[] _gathered = [[], [], [], []];
        private readonly Stream[] _streams = new Stream[Sizes * 2];

        private struct Stream
        {
            public int Size;
            public int Direction;
            public int Position;
            public bool Done;
        }

        public FormedBattle? TryForm(int anchor, double spread, int smallestTeam)
        {
            Gather(anchor, spread);
            var anchorSize = pool.Size[anchor];
            var available = anchorSize;
            for (var size = 1; size <= Sizes; size++)
            {
                available += size * _gathered[size].Count;
            }

            for (var team = Math.Min(fullTeam, available / 2); team >= smallestTeam; team--)
            {
                if (Compose(team, anchorSize) is { } quota)
                {
                    return Build(anchor, quota);
                }
            }

            return null;
        }

        /// <summary>
        /// Walks out from the anchor in rating order, six ways at once (each size, both directions), always taking the nearest
        /// head; a ticket joins while the battle's highest minus lowest rating stays within <paramref name="spread"/>.
        /// </summary>
        private void Gather(int anchor, double spread)
        {
            for (var size = 1; size <= Sizes; size++)
            {
                _gathered[size].Clear();
                var order = pool.BySize[size];
                int right, left;
                if (size == pool.Size[anchor])
                {
                    var p = order.PositionOf(anchor);
                    (left, right) = (order.FreeAtOrLeft(p - 1), order.FreeAtOrRight(p + 1));
                }
                else
                {
                    var p = order.UpperBound(anchor);
                    (left, right) = (order.FreeAtOrLeft(p - 1), order.FreeAtOrRight(p));
                }

                var full = Cap(size, anchor) <= 0;
                _streams[2 * (size - 1)] = new Stream { Size = size, Direction = -1, Position = left, Done = full || left < 0 };
                _streams[2 * (size - 1) + 1] = new Stream { Size = size, Direction = 1, Position = right, Done = full || right >= order.Order.Length };
            }

            var key = pool.Key[anchor];
            var lo = pool.Min[anchor];
            var hi = pool.Max[anchor];
            while (true)
            {
                var best = -1;
                var bestTicket = -1;
                var bestDistance = double.MaxValue;
                for (var s = 0; s < _streams.Length; s++)
                {
                    if (_streams[s].Done)
                    {
                        continue;
                    }

                    var ticket = pool.BySize[_streams[s].Size].Order[_streams[s].Position];
                    var distance = Math.Abs(pool.Key[ticket] - key);
                    if (best < 0 || distance < bestDistance || (distance == bestDistance && pool.AgeRank[ticket] < pool.AgeRank[bestTicket]))
                    {
                        (best, bestTicket, bestDistance) = (s, ticket, distance);
                    }
                }

                if (best < 0)
                {
                    return;
                }

                ref var stream = ref _streams[best];
                var newLo = Math.Min(lo, pool.Min[bestTicket]);
                var newHi = Math.Max(hi, pool.Max[bestTicket]);
                if (newHi - newLo <= spread)
                {
                    (lo, hi) = (newLo, newHi);
                    var gathered = _gathered[stream.Size];
                    gathered.Add(bestTicket);
                    if (gathered.Count >= Cap(stream.Size, anchor))
                    {
                        _streams[2 * (stream.Size - 1)].Done = true;
                        _streams[2 * (stream.Size - 1) + 1].Done = true;
                        continue;
                    }
                }
                else if (stream.Direction > 0 ? pool.Key[bestTicket] - lo > spread : hi - pool.Key[bestTicket] > spread)
                {
                    // Even its mean is out of reach, and the tickets beyond it sort further out still.
                    stream.Done = true;
                    continue;
                }

                var order = pool.BySize[stream.Size];
                stream.Position = stream.Direction > 0 ? order.FreeAtOrRight(stream.Position + 1) : order.FreeAtOrLeft(stream.Position - 1);
                stream.Done = stream.Position < 0 || stream.Position >= order.Order.Length;
            }
        }

        /// <summary>How many tickets of <paramref name="size"/> besides the anchor two full teams could hold.</summary>
        private int Cap(int size, int anchor) => 2 * fullTeam / size - (pool.Size[anchor] == size ? 1 : 0);

        /// <summary>
        /// How many tickets of each size each team takes for teams of <paramref name="team"/> players, the anchor's team first;
        /// null if the gathered sizes cannot fill both exactly. Of the ways that can, the one taking most trios, then most duos
        /// (platoons are the harder tickets to place; solos fill around them).
        /// </summary>
        private Quota? Compose(int team, int anchorSize)
        {
            var roomA = team - anchorSize;
            if (roomA < 0)
            {
                return null;
            }

            int n1 = _gathered[1].Count, n2 = _gathered[2].Count, n3 = _gathered[3].Count;
            Quota? best = null;
            for (var a3 = Math.Min(n3, roomA / 3); a3 >= 0; a3--)
            {
                for (var a2 = Math.Min(n2, (roomA - 3 * a3) / 2); a2 >= 0; a2--)
                {
                    var a1 = roomA - 3 * a3 - 2 * a2;
                    if (a1 > n1)
                    {
                        break; // fewer duos only needs more solos
                    }

                    // Team B: most trios, then most duos, from what is left; the first fit is the best for B.
                    for (var b3 = Math.Min(n3 - a3, team / 3); b3 >= 0; b3--)
                    {
                        var b2 = Math.Min(n2 - a2, (team - 3 * b3) / 2);
                        var b1 = team - 3 * b3 - 2 * b2;
                        if (b1 <= n1 - a1)
                        {
                            var quota = new Quota(a1, a2, a3, b1, b2, b3);
                            if (best is null || quota.Trios > best.Value.Trios || (quota.Trios == best.Value.Trios && quota.Duos > best.Value.Duos))
                            {
                                best = quota;
                            }

                            break;
                        }
                    }
                }
            }

            return best;
        }

        private FormedBattle Build(int anchor, Quota quota)
        {
            // The nearest tickets of each size, then the anchor: largest first, best rated first within a size.
            var chosen = new List<int>(2 * fullTeam) { anchor };
            for (var size = 1; size <= Sizes; size++)
            {
                chosen.AddRange(_gathered[size].Take(quota.A(size) + quota.B(size)));
            }

            chosen.Sort((x, y) => pool.Size[x] != pool.Size[y] ? pool.Size[y].CompareTo(pool.Size[x])
                : pool.Sum[x] != pool.Sum[y] ? pool.Sum[y].CompareTo(pool.Sum[x])
                : pool.AgeRank[x].CompareTo(pool.AgeRank[y]));

            var roomA = new int[Sizes + 1];
            var roomB = new int[Sizes + 1];
            for (var size = 1; size <= Sizes; size++)
            {
                roomA[size] = quota.A(size) + (pool.Size[anchor] == size ? 1 : 0);
                roomB[size] = quota.B(size);
            }

            var split = new TeamSplit(pool);
            foreach (var ticket in chosen)
            {
                var size = pool.Size[ticket];
                var toA = roomB[size] == 0 || (roomA[size] > 0 && (split.SumA < split.SumB || (split.SumA == split.SumB && split.PlayersA <= split.PlayersB)));
                (toA ? roomA : roomB)[size]--;
                split.Add(ticket, toA);
            }

            split.Improve();
            foreach (var ticket in chosen)
            {
                pool.Take(ticket);
            }

            chosen.Sort((x, y) => pool.AgeRank[x].CompareTo(pool.AgeRank[y]));
            return new FormedBattle(
                [.. split.TeamA.SelectMany(t => pool.Tickets[t].Members)],
                [.. split.TeamB.SelectMany(t => pool.Tickets[t].Members)],
                [.. chosen.Select(t => pool.Tickets[t])]);
        }
    }

    private readonly record struct Quota(int A1, int A2, int A3, int B1, int B2, int B3)
    {
        public int Trios => A3 + B3;

        public int Duos => A2 + B2;

        public int A(int size) => size switch { 1 => A1, 2 => A2, _ => A3 };

        public int B(int size) => size switch { 1 => B1, 2 => B2, _ => B3 };
    }

    /// <summary>
    /// Two teams being balanced. <see cref="Improve"/> swaps tickets of one size across while that lowers
    /// (class imbalance, rating gap) lexicographically: classes first, so an even class split is never traded for a few points.
    /// </summary>
    private sealed class TeamSplit(TicketPool pool)
    {
        private const int Classes = 3;
        private readonly int[] _classDiff = new int[Classes]; // team A's count minus team B's, per class

        public List<int> TeamA { get; } = [];

        public List<int> TeamB { get; } = [];

        public double SumA { get; private set; }

        public double SumB { get; private set; }

        public int PlayersA { get; private set; }

        public int PlayersB { get; private set; }

        public void Add(int ticket, bool toA)
        {
            (toA ? TeamA : TeamB).Add(ticket);
            var sign = toA ? 1 : -1;
            for (var c = 0; c < Classes; c++)
            {
                _classDiff[c] += sign * pool.Classes[ticket * Classes + c];
            }

            if (toA)
            {
                SumA += pool.Sum[ticket];
                PlayersA += pool.Size[ticket];
            }
            else
            {
                SumB += pool.Sum[ticket];
                PlayersB += pool.Size[ticket];
            }
        }

        /// <summary>Best-improvement swaps; each strictly lowers the objective, and the rounds are capped besides.</summary>
        public void Improve()
        {
            for (var round = 0; round < 4 * (TeamA.Count + TeamB.Count); round++)
            {
                var imbalance = Imbalance(0, 0);
                var gap = Math.Abs(SumA - SumB);
                int bestA = -1, bestB = -1;
                for (var i = 0; i < TeamA.Count; i++)
                {
                    for (var j = 0; j < TeamB.Count; j++)
                    {
                        int a = TeamA[i], b = TeamB[j];
                        if (pool.Size[a] != pool.Size[b])
                        {
                            continue;
                        }

                        var newImbalance = Imbalance(a, b);
                        var newGap = Math.Abs(SumA - SumB - 2 * (pool.Sum[a] - pool.Sum[b]));
                        if (newImbalance < imbalance || (newImbalance == imbalance && newGap < gap - 1e-9))
                        {
                            (imbalance, gap, bestA, bestB) = (newImbalance, newGap, i, j);
                        }
                    }
                }

                if (bestA < 0)
                {
                    return;
                }

                var (ticketA, ticketB) = (TeamA[bestA], TeamB[bestB]);
                for (var c = 0; c < Classes; c++)
                {
                    _classDiff[c] += 2 * (pool.Classes[ticketB * Classes + c] - pool.Classes[ticketA * Classes + c]);
                }

                SumA += pool.Sum[ticketB] - pool.Sum[ticketA];
                SumB += pool.Sum[ticketA] - pool.Sum[ticketB];
                (TeamA[bestA], TeamB[bestB]) = (ticketB, ticketA);
            }
        }

        /// <summary>Σ over classes of |team A's count − team B's| after moving <paramref name="fromA"/> to B and <paramref name="fromB"/> to A (0, 0: as is).</summary>
        private int Imbalance(int fromA, int fromB)
        {
            var moved = fromA != fromB;
            var total = 0;
            for (var c = 0; c < Classes; c++)
            {
                var diff = _classDiff[c];
                if (moved)
                {
                    diff += 2 * (pool.Classes[fromB * Classes + c] - pool.Classes[fromA * Classes + c]);
                }

                total += Math.Abs(diff);
            }

            return total;
        }
    }
}

/// <summary>Two teams of equal size, ready to fight, and the tickets they were formed from (oldest first).</summary>
public sealed record FormedBattle(IReadOnlyList<TicketMember> TeamA, IReadOnlyList<TicketMember> TeamB, IReadOnlyList<MatchTicket> Tickets)
{
    /// <summary>Highest minus lowest rating among the battle's players.</summary>
    public double RatingRange => TeamA.Concat(TeamB).Max(m => m.Rating) - TeamA.Concat(TeamB).Min(m => m.Rating);

    /// <summary>The teams' mean ratings apart.</summary>
    public double TeamGap => Math.Abs(TeamA.Average(m => m.Rating) - TeamB.Average(m => m.Rating));

    /// <summary>Σ over tank classes of |team A's count − team B's|: 0 or 2 when every class is split as evenly as it can be.</summary>
    public int ClassImbalance => TankClassImbalance(TeamA, TeamB);

    /// <summary>See <see cref="ClassImbalance"/>.</summary>
    public static int TankClassImbalance(IEnumerable<TicketMember> teamA, IEnumerable<TicketMember> teamB)
    {
        Span<int> diff = stackalloc int[TankClassCodes.Count];
        foreach (var member in teamA)
        {
            diff[TankClassCodes.Id(member.TankClass)]++;
        }

        foreach (var member in teamB)
        {
            diff[TankClassCodes.Id(member.TankClass)]--;
        }

        var total = 0;
        foreach (var d in diff)
        {
            total += Math.Abs(d);
        }

        return total;
    }
}
