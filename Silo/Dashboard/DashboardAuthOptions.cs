namespace Tanks.Silo.Dashboard;

/// <summary>
/// Credentials for the Orleans Dashboard (HTTP Basic over the silo's HTTP port). Set both
/// (<c>Dashboard__Username</c>, <c>Dashboard__Password</c>); when neither is set, a local run generates a password
/// and prints it once on the console.
/// </summary>
public sealed class DashboardAuthOptions
{
    public const string SectionName = "Dashboard";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Where the dashboard is served.</summary>
    public string Path { get; set; } = "/dashboard";
}
