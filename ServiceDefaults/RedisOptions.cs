using StackExchange.Redis;

namespace Tanks.ServiceDefaults;

/// <summary>Redis for Orleans clustering and grain storage. Unset means the embedded, in-memory default.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis connection string without secrets, e.g. <c>redis:6379</c> or <c>redis:6380,ssl=true</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The ACL user (<c>tanks</c> in the chart and compose); unset: the connection string's, else Redis's default user.</summary>
    public string? User { get; set; }

    /// <summary>The ACL user's password, from a Secret; wins over a <c>password=</c> in the connection string.</summary>
    public string? Password { get; set; }

    /// <summary>TLS to Redis (the same as <c>ssl=true</c> in the connection string).</summary>
    public bool Tls { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The connection string with <see cref="User"/>, <see cref="Password"/> and <see cref="Tls"/> applied.</summary>
    public ConfigurationOptions ToConfigurationOptions()
    {
        var options = ConfigurationOptions.Parse(ConnectionString!);
        if (!string.IsNullOrEmpty(User))
        {
            options.User = User;
        }

        if (!string.IsNullOrEmpty(Password))
        {
            options.Password = Password;
        }

        if (Tls)
        {
            options.Ssl = true;
        }

        return options;
    }

    /// <summary>Where this process connects, as logs and errors may show it: never the password.</summary>
    public string Describe()
    {
        var options = ToConfigurationOptions();
        var user = string.IsNullOrEmpty(options.User) ? "the default user" : $"user '{options.User}'";
        var password = string.IsNullOrEmpty(options.Password) ? "no password" : "password ***";
        return $"{string.Join(",", options.EndPoints.Select(EndPointCollection.ToString))}, {user}, {password}{(options.Ssl ? ", TLS" : "")}";
    }
}
