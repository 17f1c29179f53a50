using System.Diagnostics.Metrics;

namespace Tanks.Grains.Accounts;

/// <summary>
/// Account counters on the .NET meter "Tanks"; the silo exports them to Prometheus as
/// <c>tanks_accounts_registered_total</c> and <c>tanks_logins_total{result}</c>.
/// </summary>
public static class AccountMetrics
{
    public const string MeterName = "Tanks";
    public const string Registered = "accounts.registered";
    public const string Logins = "logins";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> RegisteredCounter = Meter.CreateCounter<long>(Registered, description: "Accounts created.");
    private static readonly Counter<long> LoginsCounter = Meter.CreateCounter<long>(Logins, description: "Password logins by result.");

    public static void AccountRegistered() => RegisteredCounter.Add(1);

    public static void Login(string result) => LoginsCounter.Add(1, new KeyValuePair<string, object?>("result", result));
}
