using System.Diagnostics;
using System.Threading.Channels;
using Tanks.Grains.Interfaces.Sessions;

namespace Tanks.MatchBench;

/// <summary>
/// Steady churn over a standing population, closed loop: <c>concurrency</c> workers each join an idle player and take the
/// next; a feeder ends the oldest running battles (through their grains, which tell their owner) whenever fewer than
/// two rounds of idle players are waiting, and hands their players back to the workers. Players only become idle by
/// their battle's end (or a leave), so the population queued or in battle stays as it was brought up.
/// </summary>
public sealed class Churn(IMatchmaking matchmaking, IClusterClient client, BattleBoard board, int concurrency, double leaveFraction, int seed)
{
    private readonly Channel<BenchPlayer> _idle = Channel.CreateUnbounded<BenchPlayer>();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();
    private readonly List<double> _latencies = [];
    private readonly SortedDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private readonly List<Task> _ends = [];
    private int _playersBeingFreed;
    private int _joins;
    private int _sentBack;
    private int _leaves;
    private long _battlesAtMark;
    private long _markedAt;
    private int _target = int.MaxValue;
    private TaskCompletionSource _reached = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly long[] _joinStarted = new long[concurrency];
    private Task[] _running = [];

    /// <summary>Joins counted since the last <see cref="Mark"/>.</summary>
    public int Joins => Volatile.Read(ref _joins);

    public double SecondsSinceMark => Stopwatch.GetElapsedTime(Volatile.Read(ref _markedAt)).TotalSeconds;

    /// <summary>Players free to join before the churn starts (the rest of a battle ended beforehand).</summary>
    public void AddIdle(IEnumerable<BenchPlayer> players)
    {
        foreach (var player in players)
        {
            _idle.Writer.TryWrite(player);
        }
    }

    public void Start()
    {
        board.BattleStarted += Wake;
        Mark();
        _running = [.. Enumerable.Range(0, concurrency).Select(i => Task.Run(() => WorkAsync(i))), Task.Run(FeedAsync)];
    }

    /// <summary>Starts counting afresh (the window after the warm-up) and answers what was counted since the last mark.</summary>
    public ChurnCounts Mark()
    {
        lock (_lock)
        {
            // Joins still on their way at the mark, with their age so far (BenchRow counts those older than every answer).
            var now = Stopwatch.GetTimestamp();
            var unanswered = Enumerable.Range(0, _joinStarted.Length).Select(i => Volatile.Read(ref _joinStarted[i])).Where(t => t != 0 && t >= _markedAt).Select(t => Stopwatch.GetElapsedTime(t, now).TotalMilliseconds).ToArray();
            var counts = new ChurnCounts(
                _joins, SecondsSinceMark, board.Started - _battlesAtMark, [.. _latencies], new SortedDictionary<string, int>(_errors),
                _sentBack, _leaves, unanswered);
            _latencies.Clear();
            _errors.Clear();
            _joins = _sentBack = _leaves = 0;
            _battlesAtMark = board.Started;
            Volatile.Write(ref _markedAt, Stopwatch.GetTimestamp());
            return counts;
        }
    }

    /// <summary>Waits until <paramref name="joins"/> were counted since the mark or <paramref name="seconds"/> passed.</summary>
    public async Task WaitAsync(int joins, double seconds, CancellationToken cancellationToken)
    {
        Task reached;
        lock (_lock)
        {
            _target = joins;
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_joins >= joins)
            {
                return;
            }

            reached = _reached.Task;
        }

        var left = TimeSpan.FromSeconds(Math.Max(0, seconds - SecondsSinceMark));
        await Task.WhenAny(reached, Task.Delay(left, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Stops taking players, then waits for the joins and battle ends on their way (each bounded by the call timeout).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        board.BattleStarted -= Wake;
        await Task.WhenAll(_running);
        Task[] ends;
        lock (_lock)
        {
            ends = [.. _ends];
        }

        await Task.WhenAll(ends);
    }

    private async Task WorkAsync(int worker)
    {
        while (!_stop.IsCancellationRequested)
        {
            BenchPlayer player;
            try
            {
                player = await _idle.Reader.ReadAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Wake();
            var started = Stopwatch.GetTimestamp();
            Volatile.Write(ref _joinStarted[worker], started);
            PlayerStatus status;
            try
            {
                status = await matchmaking.JoinAsync(player);
            }
            catch (Exception ex)
            {
                Volatile.Write(ref _joinStarted[worker], 0);
                lock (_lock)
                {
                    if (started >= _markedAt)
                    {
                        _latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds); // the player waited that long for an error
                    }
                }

                Count("join " + ex.GetType().Name);
                _idle.Writer.TryWrite(player); // tried again later, as a client would
                continue;
            }

            Volatile.Write(ref _joinStarted[worker], 0);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (_lock)
            {
                // A join on its way at the mark counts (it was answered in the window); its latency only if begun in it.
                if (started >= _markedAt)
                {
                    _latencies.Add(ms);
                }

                if (++_joins >= _target)
                {
                    _reached.TrySetResult();
                }

                if (status.State == PlayerState.InBattle)
                {
                    _sentBack++; // its battle's end had not freed it: a bug, or a lost end
                }
            }

            if (status.State == PlayerState.Queued && leaveFraction > 0 && NextDouble() < leaveFraction)
            {
                try
                {
                    // Changed their mind: joins again later. Unless matched meanwhile: then the battle's end frees them.
                    if ((await matchmaking.LeaveAsync(player.UserId)).State != PlayerState.InBattle)
                    {
                        Interlocked.Increment(ref _leaves);
                        _idle.Writer.TryWrite(player);
                    }
                }
                catch (Exception ex)
                {
                    Count("leave " + ex.GetType().Name);
                }
            }
        }
    }

    private async Task FeedAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_idle.Reader.Count + Volatile.Read(ref _playersBeingFreed) < 2 * concurrency && board.TryTakeOldest(out var battle))
            {
                Interlocked.Add(ref _playersBeingFreed, battle.Players.Length);
                lock (_lock)
                {
                    _ends.RemoveAll(t => t.IsCompleted);
                    _ends.Add(EndAsync(battle));
                }

                continue;
            }

            try
            {
                await _wake.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task EndAsync(BattleAssignment battle)
    {
        try
        {
            await client.GetGrain<IBenchBattleGrain>(battle.BattleId).EndAsync();
        }
        catch (Exception ex)
        {
            Count("end " + ex.GetType().Name);
        }

        foreach (var p in battle.Players)
        {
            _idle.Writer.TryWrite(new BenchPlayer(p.UserId, p.UserName, p.TankClass));
        }

        Interlocked.Add(ref _playersBeingFreed, -battle.Players.Length);
        Wake();
    }

    private void Wake()
    {
        // One pending wake is enough: the feeder looks at everything each time it wakes.
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    private double NextDouble()
    {
        lock (_random)
        {
            return _random.NextDouble();
        }
    }

    private void Count(string error)
    {
        lock (_lock)
        {
            _errors[error] = _errors.GetValueOrDefault(error) + 1;
        }
    }
}

/// <summary>
/// What one stretch of churn did: joins answered, battles formed, each join's latency (ms: answered or failed), errors
/// by kind, and the age of each join begun in it and still unanswered at its end.
/// </summary>
public sealed record ChurnCounts(
    int Joins, double Seconds, long BattlesStarted, IReadOnlyList<double> LatenciesMs, SortedDictionary<string, int> Errors, int SentBack, int Leaves,
    IReadOnlyList<double> UnansweredMs);
