using System.Globalization;

namespace Tanks.Measurement;

/// <summary>
/// Reads one unlabelled sample (e.g. <c>process_cpu_seconds_total</c>) from Prometheus text exposition. Bounded: a
/// body over <see cref="MaxChars"/> or a value token over 64 characters is refused, not parsed, so a wrong URL that
/// answers with something huge or odd cannot stall the run.
/// </summary>
public static class PrometheusText
{
    /// <summary>A silo's /metrics (Orleans' meters included) is a few hundred kB; 4 MiB leaves room and still bounds the work.</summary>
    public const int MaxChars = 4 * 1024 * 1024;

    private const int MaxValueChars = 64;

    /// <summary>The finite, non-negative value of <c>name value [timestamp]</c>, or false and why.</summary>
    public static bool TryReadSample(string text, string name, out double value, out string error)
    {
        value = 0;
        if (text.Length > MaxChars)
        {
            error = $"body of {text.Length} characters is over the {MaxChars} limit";
            return false;
        }

        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var newline = rest.IndexOf('\n');
            var line = (newline < 0 ? rest : rest[..newline]).TrimEnd('\r');
            rest = newline < 0 ? [] : rest[(newline + 1)..];
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not (' ' or '\t'))
            {
                continue; // comments, other metrics, labelled samples and longer names that share the prefix
            }

            var token = line[name.Length..].TrimStart(" \t");
            var end = token.IndexOfAny(' ', '\t');
            if (end >= 0)
            {
                token = token[..end]; // an optional timestamp follows
            }

            if (token.Length is 0 or > MaxValueChars
                || !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                || !double.IsFinite(value) || value < 0)
            {
                value = 0;
                error = $"{name} has no valid value ('{token[..Math.Min(token.Length, MaxValueChars)].ToString()}')";
                return false;
            }

            error = "";
            return true;
        }

        error = $"no unlabelled {name} sample";
        return false;
    }
}
