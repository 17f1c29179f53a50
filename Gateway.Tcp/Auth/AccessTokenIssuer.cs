using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Tanks.Gateway.Tcp.Auth;

/// <summary>Mints JWT access tokens (HS256; subject = numeric user id) with Microsoft.IdentityModel.</summary>
public sealed class AccessTokenIssuer(IOptions<JwtOptions> options, SigningKey key, TimeProvider time)
{
    private readonly JwtOptions _options = options.Value;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials =
        new(new SymmetricSecurityKey(key.Bytes), SecurityAlgorithms.HmacSha256);

    public int LifetimeSeconds => (int)_options.AccessTokenLifetime.TotalSeconds;

    public string Issue(long userId, string userName)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.AccessTokenLifetime,
            SigningCredentials = _credentials,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, userId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(JwtRegisteredClaimNames.Name, userName),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            ]),
        });
    }

    /// <summary>Validates a token this gateway (or one sharing its key) issued; for services that accept access tokens.</summary>
    public async Task<TokenValidationResult> ValidateAsync(string token)
        => await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = _credentials.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
        });
}

/// <summary>The HS256 key, read once at start.</summary>
public sealed record SigningKey(byte[] Bytes);
