namespace Tanks.Ops.Tests.Infrastructure;

/// <summary>
/// Finds the external tools the ops tests run. A missing tool skips the test locally, but fails it when the
/// CI environment variable is set: nothing may be skipped in CI. Install them with .ci/install-tools.sh.
/// </summary>
public static class Tools
{
    public static bool InCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static string Helm => Require("helm");
    public static string Promtool => Require("promtool");
    public static string Nginx => Require("nginx", "/usr/sbin");
    public static string RedisServer => Require("redis-server");
    public static string RedisCli => Require("redis-cli");
    public static string Bash => Require("bash");

    public const string NginxStreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so";

    /// <summary>The Debian stream module (libnginx-mod-stream), or skip/fail like a missing tool.</summary>
    public static string RequireNginxStreamModule()
    {
        if (File.Exists(NginxStreamModule))
        {
            return NginxStreamModule;
        }

        Missing($"nginx stream module ({NginxStreamModule}, package libnginx-mod-stream)");
        return NginxStreamModule;
    }

    public static string? Find(string name, params string[] extraDirs)
    {
        var dirs = new List<string> { Repo.Path(".tools", "bin") };
        dirs.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        dirs.AddRange(extraDirs);
        foreach (var dir in dirs)
        {
            var candidate = System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static string Require(string name, params string[] extraDirs)
    {
        var path = Find(name, extraDirs);
        if (path is null)
        {
            Missing($"'{name}' (looked in <repo>/.tools/bin and PATH)");
        }

        return path!;
    }

    private static void Missing(string what)
    {
        var message = $"Required tool {what} is not installed: install with .ci/install-tools.sh";
        if (InCi)
        {
            Assert.Fail($"{message} (CI is set: ops tests may not be skipped in CI)");
        }

        Assert.Skip(message);
    }
}
