using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Tanks.ServiceDefaults;

/// <summary>
/// Wraps the console logger so the host's "Hosting failed to start" entry is dropped when its exception is a start-up
/// error that <see cref="StartupErrors"/> reports in one line, or a start cancelled by a stop request; every other
/// entry (and every other failure) passes.
/// </summary>
[ProviderAlias("Console")]
internal sealed class StartupErrorLogFilter(ILoggerProvider inner) : ILoggerProvider, ISupportExternalScope
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private static readonly IConfiguration NoConfiguration = new ConfigurationBuilder().Build();

    public static void Install(IServiceCollection services)
    {
        foreach (var console in services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
        {
            services.Remove(console);
        }

        services.AddSingleton<ILoggerProvider>(sp => new StartupErrorLogFilter(ActivatorUtilities.CreateInstance<ConsoleLoggerProvider>(sp)));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == HostCategory ? new Filtered(logger) : logger;
    }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => (inner as ISupportExternalScope)?.SetScopeProvider(scopeProvider);

    public void Dispose() => inner.Dispose();

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is OperationCanceledException || (exception is not null && StartupErrors.Describe(exception, NoConfiguration) is not null))
            {
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
