namespace Tanks.Grains.Interfaces.Models;

/// <summary>Outcome of an account operation; each maps to one stable error code of the TCP protocol.</summary>
[GenerateSerializer, Alias("Tanks.AccountStatus")]
public enum AccountStatus
{
    Ok = 0,
    InvalidUserName = 1,
    WeakPassword = 2,
    UserExists = 3,
    InvalidCredentials = 4,
    LockedOut = 5,
    InvalidToken = 6,
}
