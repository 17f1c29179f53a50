using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Numerics;

namespace Tanks.Measurement;

/// <summary>
/// The command-line setup every tool shares (System.CommandLine): parse errors and bad values print <c>error: …</c>
/// and exit <see cref="Fatal"/>, a failed run prints <c>fatal: …</c>, <c>--help</c> exits 0; plus the value checks.
/// </summary>
public static class ToolCommandLine
{
    /// <summary>Usage error or fatal error.</summary>
    public const int Fatal = 1;

    /// <summary>
    /// Parses <paramref name="args"/> and runs the chosen command; the exit code is the one the action left in
    /// <paramref name="exitCode"/> (help's own code for <c>--help</c>, <see cref="Fatal"/> after a parse error).
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, Func<int> exitCode)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            return Fatal;
        }

        var code = await parsed.InvokeAsync();
        return parsed.Action is HelpAction ? code : exitCode();
    }

    /// <summary>
    /// An action's body: builds the options (an <see cref="ArgumentException"/> is a usage error), then runs them;
    /// cancellation prints <c>cancelled</c>, any other exception <c>fatal: …</c>; both exit <see cref="Fatal"/>.
    /// </summary>
    public static async Task<int> RunAsync<TOptions>(Func<TOptions> options, Func<TOptions, Task<int>> run)
    {
        TOptions parsed;
        try
        {
            parsed = options();
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return Fatal;
        }

        try
        {
            return await run(parsed);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return Fatal;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"fatal: {ex}");
            return Fatal;
        }
    }

    /// <summary><c>host:port</c> (the last colon splits, so <c>::1:8888</c> works); port 1 to 65535.</summary>
    public static (string Host, int Port) ParseEndpoint(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"'{value}' is not host:port");
        }

        return (value[..colon], port);
    }

    /// <summary><c>name=pid</c> values (e.g. <c>--cpu-pid silo=1234</c>, repeatable).</summary>
    public static List<(string Name, int Pid)> ParsePids(string option, IEnumerable<string> values)
    {
        var list = new List<(string, int)>();
        foreach (var value in values)
        {
            var eq = value.IndexOf('=');
            if (eq <= 0 || !int.TryParse(value.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
            {
                throw new ArgumentException($"{option} '{value}' is not name=pid");
            }

            list.Add((value[..eq], pid));
        }

        return list;
    }

    public static T InRange<T>(T value, T min, T max, string name) where T : INumber<T>
        => value >= min && value <= max ? value : throw new ArgumentException($"{name} must be within {min}..{max}");

    public static T Positive<T>(T value, string name) where T : INumber<T>
        => value > T.Zero ? value : throw new ArgumentException($"{name} must be positive");
}
