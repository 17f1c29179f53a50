using System.Buffers;
using System.Text.Json;
using Tanks.Protocol.Auth;

namespace Tanks.Gateway.Tcp.Auth;

/// <summary>A response frame: <c>{"id":..,"ok":true,...}</c> or <c>{"id":..,"ok":false,"error":{"code","message"}}</c>.</summary>
public readonly record struct AuthResponse(string Result, bool CloseAfter, Action<Utf8JsonWriter>? Fields, string? Message = null)
{
    public bool IsOk => Result == "ok";

    public static AuthResponse Ok(Action<Utf8JsonWriter>? fields = null) => new("ok", false, fields);

    public static AuthResponse Error(string code, string message, bool close = false, Action<Utf8JsonWriter>? extra = null)
        => new(code, close, extra, message);

    /// <summary>Writes the JSON payload (no frame header) for the request it answers.</summary>
    public void WriteTo(IBufferWriter<byte> output, AuthRequest? request)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        if (request?.IdString is { } idString)
        {
            writer.WriteString("id", idString);
        }
        else if (request?.IdNumber is { } idNumber)
        {
            writer.WriteNumber("id", idNumber);
        }

        writer.WriteBoolean("ok", IsOk);
        if (IsOk)
        {
            Fields?.Invoke(writer);
        }
        else
        {
            writer.WriteStartObject("error");
            writer.WriteString("code", Result);
            writer.WriteString("message", Message);
            Fields?.Invoke(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    public static AuthResponse FrameTooLarge()
        => Error(AuthErrorCodes.FrameTooLarge, $"frame length must be 1..{AuthFrame.MaxPayloadLength} bytes", close: true);
}
