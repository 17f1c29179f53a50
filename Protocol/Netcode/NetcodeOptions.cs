using System.ComponentModel.DataAnnotations;

namespace Tanks.Protocol.Netcode;

/// <summary>
/// The <c>Netcode</c> configuration section, bound by both gateways: Gateway.Tcp mints connect tokens with it,
/// Gateway.Udp opens them. Both must agree on <see cref="PrivateKey"/>, <see cref="ProtocolId"/> and
/// <see cref="PublicAddresses"/>.
/// </summary>
public sealed class NetcodeOptions : IValidatableObject
{
    public const string SectionName = "Netcode";

    /// <summary>"TANKS" + 0x000001: the protocol id of Tanks' netcode traffic (a client must use the same).</summary>
    public const ulong DefaultProtocolId = 0x54414E4B53000001;

    /// <summary>
    /// The shared connect-token key (base64 of 32 bytes). Unset in a local run: each process generates its own
    /// and warns; then Gateway.Tcp's tokens do not open on Gateway.Udp, so pass the same key to both.
    /// </summary>
    public string? PrivateKey { get; set; }

    /// <summary>Application protocol id, in tokens and in every packet's associated data.</summary>
    public ulong ProtocolId { get; set; } = DefaultProtocolId;

    /// <summary>Used when <see cref="PublicAddresses"/> is empty: a local run.</summary>
    public const string DefaultPublicAddress = "127.0.0.1:9999";

    /// <summary>
    /// The UDP gateway's public <c>host:port</c> addresses (IP literals), written into each token; the client tries
    /// them in order. Empty means <see cref="DefaultPublicAddress"/>. (Empty by default on purpose: the
    /// configuration binder appends to a non-empty default array instead of replacing it.)
    /// </summary>
    [Required, MaxLength(NetcodeConstants.MaxServersPerConnect)]
    public string[] PublicAddresses { get; set; } = [];

    /// <summary><see cref="PublicAddresses"/>, or the default one when none is configured.</summary>
    public string[] EffectivePublicAddresses => PublicAddresses is { Length: > 0 } ? PublicAddresses : [DefaultPublicAddress];

    /// <summary>Seconds a connect token can be used to start a connection.</summary>
    [Range(1, 3600)]
    public int TokenExpirySeconds { get; set; } = 30;

    /// <summary>Seconds of silence after which either side drops the connection (written into the token).</summary>
    [Range(1, 3600)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>The parsed <see cref="PublicAddresses"/>.</summary>
    public NetcodeAddress[] ParsePublicAddresses()
    {
        var addresses = EffectivePublicAddresses;
        var result = new NetcodeAddress[addresses.Length];
        for (var i = 0; i < result.Length; i++)
        {
            if (!NetcodeAddress.TryParse(addresses[i], out result[i]))
            {
                throw new FormatException($"Netcode:PublicAddresses[{i}] '{addresses[i]}' is not an IP address with a port.");
            }
        }

        return result;
    }

    /// <summary>The decoded <see cref="PrivateKey"/>, or null when it is not set.</summary>
    public byte[]? DecodePrivateKey()
    {
        if (string.IsNullOrWhiteSpace(PrivateKey))
        {
            return null;
        }

        var bytes = Convert.FromBase64String(PrivateKey.Trim());
        return bytes.Length == NetcodeConstants.KeyBytes
            ? bytes
            : throw new FormatException($"Netcode:PrivateKey must decode to {NetcodeConstants.KeyBytes} bytes, got {bytes.Length}.");
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(PrivateKey))
        {
            string? error = null;
            try
            {
                DecodePrivateKey();
            }
            catch (FormatException ex)
            {
                error = ex.Message.StartsWith("Netcode:", StringComparison.Ordinal) ? ex.Message : "Netcode:PrivateKey must be base64 of 32 bytes.";
            }

            if (error is not null)
            {
                yield return new ValidationResult(error, [nameof(PrivateKey)]);
            }
        }

        for (var i = 0; i < (PublicAddresses?.Length ?? 0); i++)
        {
            if (!NetcodeAddress.TryParse(PublicAddresses![i], out _))
            {
                yield return new ValidationResult(
                    $"Netcode:PublicAddresses[{i}] '{PublicAddresses[i]}' is not an IP address with a port (e.g. 203.0.113.7:9999).",
                    [nameof(PublicAddresses)]);
            }
        }
    }
}
