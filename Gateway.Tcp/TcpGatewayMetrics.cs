using Prometheus;

namespace Tanks.Gateway.Tcp;

/// <summary>Prometheus metrics of the TCP gateway (names are part of the product: dashboards and alerts use them).</summary>
public sealed class TcpGatewayMetrics
{
    private static readonly Gauge OpenConnections = Metrics.CreateGauge(
        "tanks_tcp_connections_open", "Open TCP auth connections.");

    private static readonly Counter Requests = Metrics.CreateCounter(
        "tanks_tcp_requests_total", "Auth requests by op and result (ok or the error code).",
        new CounterConfiguration { LabelNames = ["op", "result"] });

    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "tanks_tcp_request_duration_seconds", "Time to answer an auth request, by op.",
        new HistogramConfiguration
        {
            LabelNames = ["op"],
            // Argon2id puts logins near 15-50 ms; ping near 0.1 ms.
            Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });

    private static readonly Counter Rejections = Metrics.CreateCounter(
        "tanks_tcp_rejections_total", "Connections or requests refused by a defence, by reason.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public void ConnectionOpened() => OpenConnections.Inc();

    public void ConnectionClosed() => OpenConnections.Dec();

    public void Request(string op, string result, TimeSpan elapsed)
    {
        Requests.WithLabels(op, result).Inc();
        Duration.WithLabels(op).Observe(elapsed.TotalSeconds);
    }

    public void Rejected(string reason) => Rejections.WithLabels(reason).Inc();
}
