namespace Tanks.Client.Auth;

/// <summary>What a successful register, login or refresh returns.</summary>
public sealed record AuthSession(
    long UserId,
    string Username,
    string AccessToken,
    int ExpiresIn,
    string RefreshToken,
    string? ConnectToken,
    string? Udp);

/// <summary>The answer to one request: <see cref="Ok"/>, or an error code from the protocol's stable list.</summary>
public sealed record AuthResult(bool Ok, string? ErrorCode, string? ErrorMessage, AuthSession? Session, System.Text.Json.JsonElement Raw)
{
    public AuthSession RequireSession()
        => Session ?? throw new InvalidOperationException($"request failed: {ErrorCode} ({ErrorMessage})");
}
