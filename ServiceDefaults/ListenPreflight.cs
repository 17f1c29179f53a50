using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace Tanks.ServiceDefaults;

/// <summary>A port this process will listen on, the setting that moves it and the one that sets its address (if any).</summary>
public sealed record ListenCheck(string Setting, string Address, int Port, ProtocolType Protocol = ProtocolType.Tcp, string? AddressSetting = null);

internal sealed record ListenCheckSource(Func<IServiceProvider, IEnumerable<ListenCheck>> Checks);

/// <summary>
/// A port this process must listen on cannot be bound: taken (exit code 3, with the setting that moves it), or its
/// address is not on this machine or needs privileges (exit code 2, with the setting).
/// </summary>
public sealed class ListenCheckException(ListenCheck check, SocketException inner)
    : IOException($"Failed to bind to {check.Address}:{check.Port} ({check.Protocol}): {inner.Message}", inner)
{
    public ListenCheck Check { get; } = check;

    public SocketError Error { get; } = inner.SocketErrorCode;
}

/// <summary>
/// Tries each declared port before the host starts: a gateway first waits for the cluster and a silo binds only
/// deep inside Orleans' start, so without this a port in use would show late (or never, while no silo answers) and
/// without its setting. Binding for real later still fails the same way if the port is taken in between.
/// </summary>
internal static class ListenPreflight
{
    public static void Run(IServiceProvider services)
    {
        foreach (var check in services.GetServices<ListenCheckSource>().SelectMany(source => source.Checks(services)))
        {
            if (check.Port is <= 0 or > 65535 || !TryAddress(check.Address, out var address))
            {
                continue; // an ephemeral port cannot be taken; a bad value is options validation's to report
            }

            using var socket = new Socket(address.AddressFamily, check.Protocol == ProtocolType.Udp ? SocketType.Dgram : SocketType.Stream, check.Protocol);
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            if (check.Protocol == ProtocolType.Tcp)
            {
                // As Kestrel and Orleans do: a previous run's connections in TIME_WAIT do not block the port.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            try
            {
                socket.Bind(new IPEndPoint(address, check.Port));
                if (check.Protocol == ProtocolType.Tcp)
                {
                    socket.Listen(1);
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable or SocketError.AccessDenied)
            {
                throw new ListenCheckException(check, ex);
            }
        }
    }

    private static bool TryAddress(string value, out IPAddress address)
    {
        if (value is "*" or "")
        {
            address = Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
            return true;
        }

        return IPAddress.TryParse(value, out address!);
    }
}

public static class ListenPreflightExtensions
{
    /// <summary>Declares ports to try before the host starts (see <see cref="ListenPreflight"/>).</summary>
    public static IServiceCollection AddListenChecks(this IServiceCollection services, Func<IServiceProvider, IEnumerable<ListenCheck>> checks)
    {
        services.AddSingleton(new ListenCheckSource(checks));
        return services;
    }

    /// <summary>The silo's Orleans ports on <c>Cluster:ListenAddress</c>, and its HTTP port.</summary>
    public static IServiceCollection AddSiloListenChecks(this IServiceCollection services)
        => services.AddListenChecks(sp =>
        {
            var configuration = sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
            var cluster = configuration.GetClusterOptions();
            var address = cluster.ListenAddress;
            List<ListenCheck> checks =
            [
                new("Cluster:SiloPort", address, cluster.SiloPort, AddressSetting: "Cluster:ListenAddress"),
                new("Cluster:GatewayPort", address, cluster.GatewayPort, AddressSetting: "Cluster:ListenAddress"),
            ];
            // The HTTP port (dashboard, metrics, health): Kestrel binds it only after Orleans has started.
            foreach (var url in (configuration["Urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                    && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
                {
                    checks.Add(new("Urls", ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) ? "*" : ip.ToString(), uri.Port));
                }
            }

            return checks;
        });
}
