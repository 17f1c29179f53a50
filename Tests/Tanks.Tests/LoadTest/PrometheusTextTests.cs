using Tanks.LoadTest;
using Tanks.Measurement;

namespace Tanks.Tests.LoadTest;

/// <summary>The one-sample Prometheus text reader behind <c>--metrics</c>: what it takes, what it refuses.</summary>
public sealed class PrometheusTextTests
{
    private const string Cpu = "process_cpu_seconds_total";

    [Fact]
    public void Reads_the_unlabelled_sample_among_comments_labelled_samples_and_longer_names()
    {
        const string text = """
            # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total_extra 99
            process_cpu_seconds_total{mode="user"} 77
            process_cpu_seconds_total 12.5
            process_open_handles 40
            """;

        Assert.True(PrometheusText.TryReadSample(text, Cpu, out var value, out var error), error);
        Assert.Equal(12.5, value);
    }

    [Theory]
    [InlineData("process_cpu_seconds_total 3.25 1712345678000\n", 3.25)] // a timestamp follows
    [InlineData("process_cpu_seconds_total\t1.5e+02\r\n", 150)]            // tab, exponent, CRLF
    [InlineData("a 1\nprocess_cpu_seconds_total 0", 0)]                    // last line without a newline
    public void Reads_the_forms_the_exposition_format_allows(string text, double expected)
    {
        Assert.True(PrometheusText.TryReadSample(text, Cpu, out var value, out var error), error);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# TYPE process_cpu_seconds_total counter\n")]
    [InlineData("process_cpu_seconds_total{mode=\"user\"} 5\n")]
    [InlineData("process_cpu_seconds_totalx 5\n")]
    [InlineData("process_cpu_seconds_total\n")]
    [InlineData("process_cpu_seconds_total abc\n")]
    [InlineData("process_cpu_seconds_total NaN\n")]
    [InlineData("process_cpu_seconds_total +Inf\n")]
    [InlineData("process_cpu_seconds_total -1\n")]
    [InlineData("<html><body>404</body></html>")]
    public void Refuses_missing_or_malformed_samples_with_a_reason(string text)
    {
        Assert.False(PrometheusText.TryReadSample(text, Cpu, out var value, out var error));
        Assert.Equal(0, value);
        Assert.Contains(Cpu, error);
    }

    [Fact]
    public void Refuses_an_oversized_value_token_and_an_oversized_body_without_parsing_them()
    {
        Assert.False(PrometheusText.TryReadSample($"{Cpu} 1{new string('0', 100)}\n", Cpu, out _, out var error));
        Assert.Contains("no valid value", error);
        Assert.True(error.Length < 200, error); // the token is cut in the message

        var huge = $"{Cpu} 1\n" + new string('#', PrometheusText.MaxChars);
        Assert.False(PrometheusText.TryReadSample(huge, Cpu, out _, out error));
        Assert.Contains("limit", error);
    }
}
