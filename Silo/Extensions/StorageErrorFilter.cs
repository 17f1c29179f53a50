using Orleans.Persistence.Redis;
using Orleans.Storage;
using StackExchange.Redis;
using Tanks.Grains.Interfaces;

namespace Tanks.Silo.Extensions;

/// <summary>
/// Turns storage and infrastructure failures that leave a grain method into <see cref="ServiceUnavailableException"/>,
/// a type every client loads. Without it the original crosses the wire: <c>RedisStorageException</c> lives in an
/// assembly only the silo has, and Gateway.Tcp failed on it with <c>TypeLoadException</c> instead of answering.
/// Game and validation errors (<see cref="ArgumentException"/> and the like) pass unchanged.
/// </summary>
public sealed partial class StorageErrorFilter(ILogger<StorageErrorFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            LogTranslated(logger, context.InterfaceName, context.MethodName, StorageFailures.Describe(ex));
            throw new ServiceUnavailableException(StorageFailures.Reason(ex));
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning,
        Message = "{Interface}.{Method} failed on unavailable infrastructure ({Errors}); the caller gets ServiceUnavailableException")]
    private static partial void LogTranslated(ILogger logger, string @interface, string method, string errors);
}

/// <summary>
/// Grain storage that reports an unavailable store as <see cref="ServiceUnavailableException"/>. Needed beside the call
/// filter because a grain's state is read while it activates, before any filter runs, and Orleans sends an activation
/// failure to the caller as it is.
/// </summary>
internal sealed partial class UnavailableAwareGrainStorage(IGrainStorage inner, string name, ILogger logger)
    : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ReadStateAsync(stateName, grainId, grainState);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            throw Translate(ex, "read", grainId);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            throw Translate(ex, "write", grainId);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ClearStateAsync(stateName, grainId, grainState);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            throw Translate(ex, "clear", grainId);
        }
    }

    // The overloads with a cancellation token forward it, so a cancelled activation stops waiting for the store.
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        try
        {
            await inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            throw Translate(ex, "read", grainId);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            throw Translate(ex, "write", grainId);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        try
        {
            await inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            throw Translate(ex, "clear", grainId);
        }
    }

    // The Redis storage connects in the silo's lifecycle: keep it taking part.
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private ServiceUnavailableException Translate(Exception exception, string operation, GrainId grainId)
    {
        LogTranslated(logger, name, operation, grainId, StorageFailures.Describe(exception));
        return new ServiceUnavailableException($"storage '{name}' unavailable ({StorageFailures.Cause(exception).GetType().Name})");
    }

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning,
        Message = "Grain storage '{Storage}' {Operation} for {GrainId} failed ({Errors}); the caller gets ServiceUnavailableException")]
    private static partial void LogTranslated(ILogger logger, string storage, string operation, GrainId grainId, string errors);
}

/// <summary>Which exceptions mean "a store or a part of the cluster is unavailable", and how to name them without secrets.</summary>
internal static class StorageFailures
{
    public static bool IsUnavailable(Exception exception)
    {
        // Ours already (logged where it was made); a conflict is no outage: Orleans deactivates the activation on it
        // (after the filters run) so the next call reloads, callers such as SessionGrain catch it by type, and its
        // type lives in Orleans.Core, which every client loads. So it passes unchanged.
        if (exception is ServiceUnavailableException or InconsistentStateException)
        {
            return false;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (IsInfrastructure(e) || e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsInfrastructure))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The innermost infrastructure exception: what a reason names.</summary>
    public static Exception Cause(Exception exception)
    {
        var cause = exception;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (IsInfrastructure(e))
            {
                cause = e;
            }
        }

        return cause;
    }

    public static string Reason(Exception exception)
    {
        var cause = Cause(exception);
        return cause is TimeoutException and not RedisTimeoutException
            ? $"a call timed out ({cause.GetType().Name})"
            : $"storage unavailable ({cause.GetType().Name})";
    }

    /// <summary>
    /// The chain of exception types, e.g. <c>OrleansException &gt; RedisStorageException</c>. Types only: the messages
    /// carry endpoints and storage keys, and Orleans logs the full storage error itself.
    /// </summary>
    public static string Describe(Exception exception)
    {
        var names = new List<string>(4);
        for (var e = exception; e is not null && names.Count < 8; e = e.InnerException)
        {
            names.Add(e.GetType().Name);
        }

        return string.Join(" > ", names);
    }

    private static bool IsInfrastructure(Exception e)
        => e is TimeoutException or RedisException or RedisStorageException
            || e is not InconsistentStateException && e.GetType().Namespace is { } ns
                && (ns == "Orleans.Storage" || ns.StartsWith("Orleans.Persistence", StringComparison.Ordinal)
                    || ns.StartsWith("StackExchange.Redis", StringComparison.Ordinal));
}

public static class StorageErrorFilterExtensions
{
    /// <summary>
    /// Storage and infrastructure errors reach callers as <see cref="ServiceUnavailableException"/>: the call filter for
    /// grain methods, and every grain storage registered before this call wrapped for the reads at activation.
    /// </summary>
    public static ISiloBuilder AddTanksCallFilters(this ISiloBuilder silo)
    {
        silo.AddIncomingGrainCallFilter<StorageErrorFilter>();
        var services = silo.Services;
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IGrainStorage) || !descriptor.IsKeyedService || descriptor.ServiceKey is not string name)
            {
                continue;
            }

            services[i] = ServiceDescriptor.KeyedSingleton<IGrainStorage>(name, (sp, key) => new UnavailableAwareGrainStorage(
                Create(descriptor, sp, key), name, sp.GetRequiredService<ILoggerFactory>().CreateLogger<StorageErrorFilter>()));
        }

        return silo;
    }

    private static IGrainStorage Create(ServiceDescriptor descriptor, IServiceProvider services, object? key)
        => (IGrainStorage)(descriptor.KeyedImplementationInstance
            ?? descriptor.KeyedImplementationFactory?.Invoke(services, key)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.KeyedImplementationType!));
}
