using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Tanks.Silo.Dashboard;

/// <summary>HTTP Basic authentication against the one dashboard account, compared in constant time.</summary>
/// <remarks>
/// The base class logs every challenge and failure at Information under this class's category, dozens a minute while
/// the dashboard polls: appsettings.json lowers that category to Warning, and failed logins are logged here instead.
/// </remarks>
public sealed partial class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    DashboardCredentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Basic";

    private readonly ILogger _logins = loggerFactory.CreateLogger("Tanks.Silo.Dashboard.Logins");

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            LogFailedLogin(_logins, "(malformed header)", Context.Connection.RemoteIpAddress?.ToString() ?? "?");
            return Task.FromResult(AuthenticateResult.Fail("malformed Basic credentials"));
        }

        var colon = decoded.IndexOf(':');
        if (colon < 0 || !credentials.Matches(decoded[..colon], decoded[(colon + 1)..]))
        {
            // The user name (bounded: it is the client's) and the address, never the password.
            var user = colon < 0 ? "(no password given)" : decoded[..Math.Min(colon, 64)];
            LogFailedLogin(_logins, user, Context.Connection.RemoteIpAddress?.ToString() ?? "?");
            return Task.FromResult(AuthenticateResult.Fail("wrong dashboard credentials"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, decoded[..colon])], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"Tanks Orleans Dashboard\", charset=\"UTF-8\"";
        return base.HandleChallengeAsync(properties);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Dashboard login failed for user '{User}' from {Address}")]
    private static partial void LogFailedLogin(ILogger logger, string user, string address);
}

/// <summary>The dashboard account as hashes, so the comparison takes the same time whatever the input.</summary>
public sealed class DashboardCredentials(string username, string password, bool generated)
{
    private readonly byte[] _username = SHA256.HashData(Encoding.UTF8.GetBytes(username));
    private readonly byte[] _password = SHA256.HashData(Encoding.UTF8.GetBytes(password));

    public string Username { get; } = username;

    /// <summary>True when no credentials were configured and a password was generated for this run.</summary>
    public bool Generated { get; } = generated;

    public bool Matches(string username, string password)
    {
        var userOk = CryptographicOperations.FixedTimeEquals(_username, SHA256.HashData(Encoding.UTF8.GetBytes(username)));
        var passwordOk = CryptographicOperations.FixedTimeEquals(_password, SHA256.HashData(Encoding.UTF8.GetBytes(password)));
        return userOk & passwordOk;
    }
}
