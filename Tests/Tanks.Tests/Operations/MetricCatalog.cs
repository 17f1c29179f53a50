using System.Text.RegularExpressions;

namespace Tanks.Tests.Operations;

/// <summary>
/// Every metric name that monitoring/ (Grafana dashboards, Prometheus rules) may use, by where it comes from.
/// The one list for both test projects (Tanks.Ops.Tests links this file):
/// <list type="bullet">
/// <item><see cref="Exported"/>: exported now by a process the test stack runs; <c>MetricNamesTests</c> finds each in a live scrape.</item>
/// <item><see cref="Planned"/>: comes with a feature not built yet (the issue named); must NOT be in the scrape yet.</item>
/// <item><see cref="BackupScript"/>: written by deploy/redis/backup.sh (textfile / Pushgateway); RedisBackupTests run it.</item>
/// </list>
/// Orleans meter instruments ("orleans-catalog-activations", meter "Microsoft.Orleans") appear through prometheus-net's
/// meter adapter as <c>microsoft_orleans_orleans_*</c>, and .NET <c>Counter&lt;T&gt;</c> instruments as gauges
/// without <c>_total</c> (rate() still works: they only grow).
/// </summary>
public static class MetricCatalog
{
    public const string Silo = "silo";
    public const string GatewayTcp = "gateway-tcp";
    public const string GatewayUdp = "gateway-udp";

    private const string O = "microsoft_orleans_orleans_";

    /// <summary>Name -> the processes that export it (every one of them must have it in a live scrape).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Exported = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        // Silo: the grains' "Tanks" meter, bridged to real counters (Silo/TanksMeterExporter.cs)
        ["tanks_accounts_registered_total"] = [Silo],
        ["tanks_logins_total"] = [Silo],
        ["tanks_battles_running"] = [Silo],
        ["tanks_tick_duration_seconds"] = [Silo],
        ["tanks_battles_resumed_total"] = [Silo],
        ["tanks_battles_migrated_total"] = [Silo],
        ["tanks_battles_aborted_total"] = [Silo],
        ["tanks_battles_given_up_total"] = [Silo],
        ["tanks_battle_checkpoints_total"] = [Silo],
        ["tanks_battle_result_retries_total"] = [Silo],
        ["tanks_registry_active"] = [Silo],
        ["tanks_match_queued_players"] = [Silo],
        ["tanks_match_wait_seconds"] = [Silo],
        ["tanks_match_rating_range"] = [Silo],
        ["tanks_match_team_rating_gap"] = [Silo],
        ["tanks_match_battles_formed_total"] = [Silo],
        ["tanks_match_shards_active"] = [Silo],

        // Gateway.Tcp (prometheus-net)
        ["tanks_tcp_connections_open"] = [GatewayTcp],
        ["tanks_tcp_requests_total"] = [GatewayTcp],
        ["tanks_tcp_request_duration_seconds"] = [GatewayTcp],
        ["tanks_tcp_rejections_total"] = [GatewayTcp],

        // Gateway.Udp (prometheus-net)
        ["tanks_udp_clients_connected"] = [GatewayUdp],
        ["tanks_udp_handshakes_total"] = [GatewayUdp],
        ["tanks_udp_packets_total"] = [GatewayUdp],
        ["tanks_udp_bytes_total"] = [GatewayUdp],
        ["tanks_udp_receive_cpu_seconds_total"] = [GatewayUdp],
        ["tanks_udp_game_messages_total"] = [GatewayUdp],
        ["tanks_udp_snapshot_bytes_total"] = [GatewayUdp],
        ["tanks_udp_battles"] = [GatewayUdp],

        // Orleans meter on the silo
        [O + "catalog_activations"] = [Silo],
        [O + "catalog_activation_working_set"] = [Silo],
        [O + "messaging_processing_dispatcher_received"] = [Silo],
        [O + "messaging_processing_dispatcher_processed"] = [Silo],
        [O + "messaging_processing_dispatcher_forwarded"] = [Silo, GatewayTcp],
        [O + "messaging_processing_ima_received"] = [Silo, GatewayTcp],
        [O + "messaging_sent_local"] = [Silo, GatewayTcp],
        [O + "messaging_sent_header_size"] = [Silo, GatewayTcp],
        [O + "messaging_received_header_size"] = [Silo, GatewayTcp],
        [O + "consistent_ring_size"] = [Silo],
        [O + "directory_partition_size"] = [Silo],
        [O + "directory_cache_size"] = [Silo],
        [O + "runtime_available_memory"] = [Silo],

        // Orleans meter on the gateways (Orleans clients)
        [O + "client_connected_gateways"] = [GatewayTcp],

        // prometheus-net's process and runtime collectors, in every process
        ["process_cpu_seconds_total"] = [Silo, GatewayTcp, GatewayUdp],
        ["dotnet_total_memory_bytes"] = [Silo, GatewayTcp, GatewayUdp],
    };

    /// <summary>Name -> the issue whose feature exports it. Move a name to <see cref="Exported"/> when it lands.</summary>
    public static readonly IReadOnlyDictionary<string, string> Planned = new Dictionary<string, string>(StringComparer.Ordinal)
    {
    };

    /// <summary>Written by deploy/redis/backup.sh into metrics/tanks_backup.prom (and pushed to a Pushgateway).</summary>
    public static readonly IReadOnlySet<string> BackupScript = new HashSet<string>(StringComparer.Ordinal)
    {
        "tanks_backup_last_run_success", "tanks_backup_last_run_timestamp_seconds", "tanks_backup_last_success_timestamp_seconds",
        "tanks_backup_duration_seconds", "tanks_backup_size_bytes",
    };

    /// <summary>Histograms: queries use their _bucket/_sum/_count series.</summary>
    public static readonly IReadOnlySet<string> Histograms = new HashSet<string>(StringComparer.Ordinal)
    {
        "tanks_tcp_request_duration_seconds", "tanks_tick_duration_seconds", "tanks_match_wait_seconds", "tanks_match_rating_range",
        "tanks_match_team_rating_gap",
    };

    /// <summary>The metric names checked in queries (redis_* come from redis_exporter, up/time() from Prometheus).</summary>
    public static readonly Regex CheckedName = new(@"\b(?:tanks|microsoft_orleans|process|dotnet)_[a-z0-9_]+\b", RegexOptions.Compiled);

    /// <summary>The family name of a series name used in a query (histogram suffixes removed).</summary>
    public static string Family(string used)
    {
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (used.EndsWith(suffix, StringComparison.Ordinal) && Histograms.Contains(used[..^suffix.Length]))
            {
                return used[..^suffix.Length];
            }
        }

        return used;
    }

    public static bool IsKnown(string used)
    {
        var family = Family(used);
        return Exported.ContainsKey(family) || Planned.ContainsKey(family) || BackupScript.Contains(family);
    }
}
