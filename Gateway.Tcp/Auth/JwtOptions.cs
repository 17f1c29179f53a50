using System.ComponentModel.DataAnnotations;

namespace Tanks.Gateway.Tcp.Auth;

/// <summary>Access tokens: JWT HS256. The key comes from <c>Jwt__SigningKey</c> (base64, at least 32 bytes).</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    [Required]
    public string Issuer { get; set; } = "tanks";

    [Required]
    public string Audience { get; set; } = "tanks-game";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
