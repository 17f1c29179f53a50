namespace Tanks.Grains.Interfaces.Models;

/// <summary>A password or token in transit. Its <see cref="ToString"/> never reveals the value, so it cannot leak into a log line.</summary>
[GenerateSerializer, Immutable, Alias("Tanks.Secret")]
public sealed record Secret([property: Id(0)] string Value)
{
    public override string ToString() => "***";
}
