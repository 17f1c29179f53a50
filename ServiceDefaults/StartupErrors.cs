using System.ComponentModel.DataAnnotations;
using System.Net.Sockets;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tanks.ServiceDefaults;

/// <summary>A setting this process cannot run with; reported as a configuration error (exit code 2), without a stack trace.</summary>
public sealed class TanksConfigurationException(string message) : InvalidOperationException(message);

/// <summary>
/// Turns the ways a process fails to start because of its settings into one line on stderr and an exit code of its
/// own (docs/operations.md, "Start-up errors and exit codes"). Anything else is a bug and still crashes with its trace.
/// </summary>
public static partial class StartupErrors
{
    /// <summary>A setting is malformed or out of range, or names an address this machine does not have.</summary>
    public const int ConfigurationError = 2;

    /// <summary>A port this process must listen on is taken by another process.</summary>
    public const int PortInUse = 3;

    /// <summary>
    /// Configures, builds and runs the host; returns the exit code. Configuration errors and ports in use found on
    /// the way (while configuring, in <c>ValidateOnStart</c>, when binding) end it with one line instead of a trace.
    /// </summary>
    public static int RunWithClearErrors(this WebApplicationBuilder builder, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var stopping = CancellationToken.None;
        try
        {
            configure(builder);
            var app = builder.Build();
            map(app);
            stopping = app.Lifetime.ApplicationStopping;

            // Before the host starts: settings first (what ValidateOnStart would find), then the ports, then Redis's
            // credentials, so each is reported before a gateway waits for the cluster or Orleans binds deep inside its start.
            app.Services.GetService<IStartupValidator>()?.Validate();
            ListenPreflight.Run(app.Services);
            RedisPreflight.Run(builder.Configuration);
            app.Run();
            return 0;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 0; // stopped (Ctrl-C, SIGTERM) while still starting, e.g. waiting for the cluster: not a failure
        }
        catch (Exception ex) when (Describe(ex, builder.Configuration) is { } error)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"{builder.Environment.ApplicationName}: {error.Line}");
            return error.ExitCode;
        }
    }

    /// <summary>The line and exit code for a start-up failure caused by settings, or null for anything else.</summary>
    public static (string Line, int ExitCode)? Describe(Exception exception, IConfiguration configuration)
    {
        var chain = Flatten(exception).ToList();

        var validation = chain.OfType<OptionsValidationException>().ToList();
        if (validation.Count > 0)
        {
            var lines = validation.SelectMany(v => DescribeValidation(v, configuration)).Distinct().ToList();
            return ("configuration error: " + string.Join("; ", lines), ConfigurationError);
        }

        foreach (var ex in chain)
        {
            if (ex is InvalidOperationException && ConversionFailure().Match(ex.Message) is { Success: true } m)
            {
                var key = m.Groups["key"].Value;
                return ($"configuration error: {Setting(key)} = '{m.Groups["value"].Value}' is not {Allowed(m.Groups["type"].Value)}", ConfigurationError);
            }
        }

        if (chain.OfType<ListenCheckException>().FirstOrDefault() is { } failed)
        {
            var check = failed.Check;
            var endpoint = $"{check.Protocol.ToString().ToUpperInvariant()} port {check.Port} on {check.Address}";
            return failed.Error switch
            {
                SocketError.AddressAlreadyInUse => ($"{endpoint} is already in use by another process; {Setting(check.Setting)} moves it", PortInUse),
                SocketError.AccessDenied => ($"configuration error: {Setting(check.Setting)} = '{check.Port}': not permitted to listen on it (ports below 1024 need privileges)", ConfigurationError),
                _ => ($"configuration error: {(check.AddressSetting is null ? "" : $"{Setting(check.AddressSetting)} = ")}'{check.Address}' is not an address of this machine (cannot listen on {endpoint})", ConfigurationError),
            };
        }

        var socket = chain.OfType<SocketException>().FirstOrDefault();
        if (chain.Any(e => e is AddressInUseException) || socket?.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            var port = PortOf(chain);
            var settings = port is null ? [] : SettingsHolding(configuration, port.Value.ToString());
            var where = port is null ? "a port" : $"port {port}";
            var moves = settings.Count > 0 ? $"; {string.Join(" or ", settings.Select(Setting))} moves it" : "";
            return ($"{where} is already in use by another process{moves}", PortInUse);
        }

        if (socket?.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            var port = PortOf(chain);
            var why = socket.SocketErrorCode == SocketError.AccessDenied
                ? $"not permitted to listen on port {port} (ports below 1024 need privileges)"
                : $"cannot listen on {AddressOf(chain) ?? "the address"}: it is not an address of this machine";
            return ($"configuration error: {why}", ConfigurationError);
        }

        var configError = chain.FirstOrDefault(e => e is TanksConfigurationException
            || (e is InvalidOperationException && e.InnerException is null && NamesKnownSetting(e.Message, configuration)));
        return configError is null ? null : ($"configuration error: {configError.Message}", ConfigurationError);
    }

    /// <summary>One entry per setting that failed: its name, its value and the rule, found by validating the section again.</summary>
    private static IEnumerable<string> DescribeValidation(OptionsValidationException exception, IConfiguration configuration)
    {
        var sectionName = SectionOf(exception.OptionsType);
        var found = new List<string>();
        if (sectionName is not null)
        {
            object? options = null;
            try
            {
                options = configuration.GetSection(sectionName).Get(exception.OptionsType) ?? Activator.CreateInstance(exception.OptionsType);
            }
            catch (InvalidOperationException)
            {
            }

            var results = new List<ValidationResult>();
            if (options is not null && !Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    foreach (var member in result.MemberNames.DefaultIfEmpty(""))
                    {
                        var key = member.Length == 0 ? sectionName : $"{sectionName}:{member}";
                        found.Add($"{Setting(key)} = {ValueOf(configuration, key, options, member)}: {result.ErrorMessage}");
                    }
                }
            }
        }

        if (found.Count > 0)
        {
            return found;
        }

        // Rules written as .Validate(..., "Section:Key must ..."): the message names the setting, add its value.
        return exception.Failures.Select(failure => SettingKey().Match(failure) is { Success: true } m && configuration[m.Value] is { } value
            ? $"{failure} ({Setting(m.Value)} = '{value}')"
            : failure);
    }

    private static string ValueOf(IConfiguration configuration, string key, object options, string member)
    {
        if (configuration[key] is { } raw)
        {
            return $"'{raw}'";
        }

        var property = member.Length == 0 ? null : options.GetType().GetProperty(member);
        return $"'{property?.GetValue(options)}' (not set: the default)";
    }

    /// <summary>How a setting is spelled in an environment variable, and in appsettings.json.</summary>
    private static string Setting(string key) => key == "Urls"
        ? "Urls (ASPNETCORE_URLS)"
        : $"{key.Replace(":", "__", StringComparison.Ordinal)} ({key})";

    private static string Allowed(string typeName) => typeName switch
    {
        "System.Int32" or "System.Int64" or "System.UInt16" or "System.UInt64" => "a whole number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a duration (hh:mm:ss, e.g. 00:00:05)",
        "System.Double" => "a number",
        _ when FindType(typeName) is { IsEnum: true } e => "one of " + string.Join(", ", Enum.GetNames(e).Select(n => n.ToLowerInvariant())),
        _ => $"a valid {typeName}",
    };

    /// <summary>The configuration keys (or <c>Urls</c> entries) whose value is <paramref name="port"/>, defaults of the options classes included.</summary>
    private static List<string> SettingsHolding(IConfiguration configuration, string port)
    {
        var keys = new List<string>();
        foreach (var (type, section) in OptionsSections())
        {
            object? options;
            try
            {
                options = configuration.GetSection(section).Get(type) ?? Activator.CreateInstance(type);
            }
            catch (Exception)
            {
                continue;
            }

            foreach (var property in type.GetProperties().Where(p => p.PropertyType == typeof(int) && p.Name.EndsWith("Port", StringComparison.Ordinal)))
            {
                if (property.GetValue(options)?.ToString() == port)
                {
                    keys.Add($"{section}:{property.Name}");
                }
            }
        }

        foreach (var key in new[] { "Urls", "HTTP_PORTS", "ASPNETCORE_URLS" })
        {
            if (configuration[key] is { } urls && Regex.IsMatch(urls, $@":{port}(?!\d)"))
            {
                keys.Add(key);
            }
        }

        return keys.Distinct().ToList();
    }

    private static bool NamesKnownSetting(string message, IConfiguration configuration)
    {
        var sections = OptionsSections().Select(s => s.Section).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return SettingKey().Matches(message).Any(m => sections.Contains(m.Value.Split(':')[0]) || configuration.GetSection(m.Value.Split(':')[0]).Exists());
    }

    private static int? PortOf(List<Exception> chain)
    {
        foreach (var ex in chain)
        {
            if (EndpointPort().Match(ex.Message) is { Success: true } m && int.TryParse(m.Groups["port"].Value, out var port))
            {
                return port;
            }
        }

        return null;
    }

    private static string? AddressOf(List<Exception> chain)
        => chain.Select(e => Endpoint().Match(e.Message)).FirstOrDefault(m => m.Success)?.Value;

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
        foreach (var child in inner)
        {
            foreach (var e in Flatten(child))
            {
                yield return e;
            }
        }
    }

    private static string? SectionOf(Type type)
        => type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;

    /// <summary>Every options class of the loaded Tanks assemblies (a <c>public const string SectionName</c>).</summary>
    private static IEnumerable<(Type Type, string Section)> OptionsSections()
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name?.StartsWith("Tanks.", StringComparison.Ordinal) == true))
        {
            Type?[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                types = ex.Types;
            }

            foreach (var type in types)
            {
                if (type is { IsClass: true, IsAbstract: false } && type.GetConstructor(Type.EmptyTypes) is not null && SectionOf(type) is { } section)
                {
                    yield return (type, section);
                }
            }
        }
    }

    private static Type? FindType(string name)
        => AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);

    [GeneratedRegex(@"value '(?<value>[^']*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"\b[A-Z][A-Za-z]+:[A-Z][A-Za-z]+\b")]
    private static partial Regex SettingKey();

    [GeneratedRegex(@"(\[[0-9a-fA-F:.]+\]|\d{1,3}(\.\d{1,3}){3}|\*|localhost|0\.0\.0\.0):(?<port>\d{1,5})(?!\d)")]
    private static partial Regex EndpointPort();

    [GeneratedRegex(@"(\[[0-9a-fA-F:.]+\]|\d{1,3}(\.\d{1,3}){3}):\d{1,5}(?!\d)")]
    private static partial Regex Endpoint();
}
