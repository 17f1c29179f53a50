namespace Tanks.Grains;

/// <summary>Names of the grain storage providers the silo must register.</summary>
public static class StorageNames
{
    /// <summary>Accounts and everything that must survive a restart (Redis in production).</summary>
    public const string Accounts = "accounts";

    /// <summary>Battle checkpoints and result outboxes (Redis in production, so a battle outlives its silo).</summary>
    public const string Battles = "battles";
}
