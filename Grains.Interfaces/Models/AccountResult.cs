namespace Tanks.Grains.Interfaces.Models;

/// <summary>
/// The answer to register, login or refresh. On <see cref="AccountStatus.Ok"/> it carries the user id and a new
/// refresh token (plain text: only its hash is stored); on <see cref="AccountStatus.LockedOut"/> when the lock ends.
/// </summary>
[GenerateSerializer, Immutable, Alias("Tanks.AccountResult")]
public sealed record AccountResult(
    [property: Id(0)] AccountStatus Status,
    [property: Id(1)] long UserId = 0,
    [property: Id(2)] Secret? RefreshToken = null,
    [property: Id(3)] DateTimeOffset? LockedUntil = null)
{
    public static AccountResult Fail(AccountStatus status) => new(status);

    public bool IsOk => Status == AccountStatus.Ok;
}
