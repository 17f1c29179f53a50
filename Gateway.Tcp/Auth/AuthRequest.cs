using System.Text.Json;
using System.Text.Unicode;
using Tanks.Protocol.Auth;

namespace Tanks.Gateway.Tcp.Auth;

/// <summary>One parsed request frame. Only the fields of the TCP protocol are read; others are ignored.</summary>
public sealed class AuthRequest
{
    private const int MaxIdLength = 64;
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 8 };

    public string Op { get; private init; } = "";

    /// <summary>The client's id, echoed as it came: a string, an integer, or absent.</summary>
    public string? IdString { get; private init; }

    public long? IdNumber { get; private init; }

    public string? Username { get; private init; }

    public string? Password { get; private init; }

    public string? RefreshToken { get; private init; }

    /// <summary>Why the frame is not a request, when it is not (then the connection is closed).</summary>
    public string? Malformed { get; private init; }

    public static AuthRequest Parse(ReadOnlySpan<byte> payload)
    {
        if (!Utf8.IsValid(payload))
        {
            return new AuthRequest { Malformed = "payload is not valid UTF-8" };
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.ToArray(), DocumentOptions);
        }
        catch (JsonException)
        {
            return new AuthRequest { Malformed = "payload is not a JSON document (or is nested deeper than 8)" };
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new AuthRequest { Malformed = "payload must be a JSON object" };
            }

            string? idString = null;
            long? idNumber = null;
            if (root.TryGetProperty("id", out var id))
            {
                switch (id.ValueKind)
                {
                    case JsonValueKind.String when id.GetString()!.Length <= MaxIdLength:
                        idString = id.GetString();
                        break;
                    case JsonValueKind.Number when id.TryGetInt64(out var n):
                        idNumber = n;
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        return new AuthRequest { Malformed = "\"id\" must be a string of at most 64 characters or an integer" };
                }
            }

            return new AuthRequest
            {
                Op = root.TryGetProperty("op", out var op) && op.ValueKind == JsonValueKind.String ? op.GetString()! : "",
                IdString = idString,
                IdNumber = idNumber,
                Username = StringOrNull(root, "username"),
                Password = StringOrNull(root, "password"),
                RefreshToken = StringOrNull(root, "refreshToken"),
            };
        }
    }

    /// <summary>The op as a metrics label: one of the known ops or "unknown" (labels must stay few).</summary>
    public string OpLabel => Op switch
    {
        AuthOps.Register or AuthOps.Login or AuthOps.Refresh or AuthOps.Logout or AuthOps.Ping => Op,
        _ => "unknown",
    };

    private static string? StringOrNull(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
