namespace Tanks.ServiceDefaults;

/// <summary>Redis for Orleans clustering and grain storage. Unset means the embedded, in-memory default.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis connection string, e.g. <c>redis:6379,password=...</c>.</summary>
    public string? ConnectionString { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);
}
