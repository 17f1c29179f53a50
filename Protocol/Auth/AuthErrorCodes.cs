namespace Tanks.Protocol.Auth;

/// <summary>The stable error codes (<c>"error":{"code":...}</c>) of the TCP auth protocol. Clients may switch on them.</summary>
public static class AuthErrorCodes
{
    /// <summary>Not JSON, not an object, invalid UTF-8, unknown op, or a field missing or of the wrong type.</summary>
    public const string BadRequest = "bad_request";

    /// <summary>The frame header announced more than 16384 bytes (or zero); the connection is closed.</summary>
    public const string FrameTooLarge = "frame_too_large";

    /// <summary>User name not 3–24 characters of [a-z0-9_] (after lower-casing).</summary>
    public const string InvalidUsername = "invalid_username";

    /// <summary>Password shorter than 8 or longer than 128 characters.</summary>
    public const string WeakPassword = "weak_password";

    public const string UserExists = "user_exists";

    /// <summary>Unknown user or wrong password (deliberately not told apart).</summary>
    public const string InvalidCredentials = "invalid_credentials";

    /// <summary>Too many failed logins; the message says until when. The password was not checked.</summary>
    public const string LockedOut = "locked_out";

    /// <summary>Refresh token unknown, spent, revoked or expired.</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>Too many register/login/refresh requests from this address; retry later.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>Too many open connections from this address; the connection is closed.</summary>
    public const string TooManyConnections = "too_many_connections";

    /// <summary>Idle too long, or a frame took too long to arrive; the connection is closed.</summary>
    public const string Timeout = "timeout";

    /// <summary>The game cluster cannot be reached right now; retry later.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>An unexpected server error; retry later.</summary>
    public const string Internal = "internal";
}
