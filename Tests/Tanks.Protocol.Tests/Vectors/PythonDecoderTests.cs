using System.Diagnostics;
using Tanks.Protocol.Tests.Snapshots;

namespace Tanks.Protocol.Tests.Vectors;

/// <summary>
/// docs/vectors/check_vectors.py, the decoder written from docs/protocol.md alone, decodes every vector on file: the
/// proof that the doc suffices. Needs python3 (3.8+, no packages): skipped without it on a developer machine, failed in
/// CI (CI set; .ci/run installs python3).
/// </summary>
public sealed class PythonDecoderTests
{
    [Fact]
    public async Task The_doc_only_decoder_decodes_every_vector_with_0_failures()
    {
        var python = FindPython3();
        var script = Path.Combine(SnapshotVectors.Directory(), "check_vectors.py");
        using var process = Process.Start(new ProcessStartInfo(python, [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"check_vectors.py exited with {process.ExitCode}:\n{output}");
        Assert.EndsWith(": 0 failures", output.TrimEnd());
    }

    private static string FindPython3()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin");
        foreach (var dir in dirs.Where(d => d.Length > 0))
        {
            var path = Path.Combine(dir, "python3");
            if (File.Exists(path))
            {
                return path;
            }
        }

        const string message = "'python3' is not installed (apt-get install python3-minimal).";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(message + " In CI every test must run.");
        }

        Assert.Skip(message);
        return null!;
    }
}
