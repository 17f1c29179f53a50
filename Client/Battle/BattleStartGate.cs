using Tanks.Protocol.Game;

namespace Tanks.Client.Battle;

/// <summary>
/// Pairs each <c>BattleStart</c> with its <c>BattleDefinition</c>: keeps definitions by hash (a few), holds back a start
/// whose definition is not in yet (lost, or overtaken by the start) and says when to ask again with <c>JoinQueue</c>
/// (once per <see cref="RetryPeriod"/>, as for a lost start: the server answers with both). Not thread-safe (the
/// <see cref="BattleClient"/> calls it under its lock); no I/O, so any client can reuse it.
/// </summary>
public sealed class BattleStartGate
{
    /// <summary>How long a held start waits for its definition before the client asks again.</summary>
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(1);

    private const int MaxDefinitions = 8;

    private readonly BattleDefinitionAssembler _parts = new();
    private readonly Dictionary<ulong, BattleDefinition> _definitions = [];
    private BattleStartInfo? _pending;
    private DateTime _askAt;

    /// <summary>A start waiting for its definition, if any.</summary>
    public BattleStartInfo? Pending => _pending;

    public bool TryGetDefinition(ulong hash, out BattleDefinition definition) => _definitions.TryGetValue(hash, out definition!);

    /// <summary>A received start (its <see cref="BattleStartInfo.Definition"/> not set yet): the completed start, or null while held back.</summary>
    public BattleStartInfo? OnStart(BattleStartInfo start, DateTime now)
    {
        if (_definitions.TryGetValue(start.DefinitionHash, out var definition))
        {
            _pending = null;
            return start with { Definition = definition };
        }

        _pending = start;
        _askAt = now + RetryPeriod;
        return null;
    }

    /// <summary>A <c>BattleDefinition</c> part: the held start it completes, if any (null otherwise, and for bad parts).</summary>
    public BattleStartInfo? OnDefinitionPart(ReadOnlySpan<byte> payload)
    {
        if (_parts.Receive(payload, out var definition, out var hash) != GameMessageReadResult.Ok || definition is null)
        {
            return null;
        }

        if (_definitions.Count >= MaxDefinitions && !_definitions.ContainsKey(hash))
        {
            _definitions.Clear(); // a few maps in a session; this only bounds a long one
        }

        _definitions[hash] = definition;
        if (_pending is { } pending && pending.DefinitionHash == hash)
        {
            _pending = null;
            return pending with { Definition = definition };
        }

        return null;
    }

    /// <summary>True when a start is held and it is time to send <c>JoinQueue</c> again (then not again for a period).</summary>
    public bool ShouldAskAgain(DateTime now)
    {
        if (_pending is null || now < _askAt)
        {
            return false;
        }

        _askAt = now + RetryPeriod;
        return true;
    }

    /// <summary>The battle ended or was left: a held start is void.</summary>
    public void Clear() => _pending = null;
}
