using BenchmarkDotNet.Attributes;
using Tanks.Game;

namespace Tanks.Benchmarks;

/// <summary>
/// What a battle's failover costs on the silo's CPU: the checkpoint a running 7v7 battle takes every
/// <c>Sessions:CheckpointInterval</c> (its whole simulation written and copied for the store; the storage write itself
/// is Redis' and not measured here), and the restore a new activation does once when it resumes the battle.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CheckpointBenchmarks
{
    private const int Tanks = 14;
    private Battle _battle = null!;
    private Battle _restored = null!;
    private byte[] _buffer = [];
    private byte[] _checkpoint = [];

    [GlobalSetup]
    public void Setup()
    {
        var players = new PlayerSlot[Tanks];
        for (var i = 0; i < Tanks; i++)
        {
            players[i] = new PlayerSlot(i / 7, i % 3, i);
        }

        var setup = new BattleSetup(BuiltInMaps.Crossroads, players, 12345);
        _battle = new Battle(setup);
        var inputs = new TankInput[Tanks];
        for (var t = 0; t < 400; t++)
        {
            for (var i = 0; i < Tanks; i++)
            {
                inputs[i] = new TankInput(0.8f, (t / 40 + i) % 3 - 1, t * 0.01f + i, true);
            }

            _battle.Step(inputs); // shells in flight, damage taken: a checkpoint of a battle in full swing
        }

        _buffer = new byte[_battle.MaxBinarySize];
        _checkpoint = _buffer.AsSpan(0, _battle.WriteBinary(_buffer)).ToArray();
        _restored = new Battle(setup);
    }

    [Benchmark(Description = "checkpoint: write + copy (7v7)")]
    public byte[] Checkpoint() => _buffer.AsSpan(0, _battle.WriteBinary(_buffer)).ToArray();

    [Benchmark(Description = "resume: validate + restore (7v7)")]
    public bool Restore() => _restored.TryRestore(_checkpoint);

    public int CheckpointBytes => _checkpoint.Length;
}
