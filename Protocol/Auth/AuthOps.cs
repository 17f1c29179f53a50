namespace Tanks.Protocol.Auth;

/// <summary>The request operations (<c>"op"</c>) of the TCP auth protocol.</summary>
public static class AuthOps
{
    public const string Register = "register";
    public const string Login = "login";
    public const string Refresh = "refresh";
    public const string Logout = "logout";
    public const string Ping = "ping";
}
