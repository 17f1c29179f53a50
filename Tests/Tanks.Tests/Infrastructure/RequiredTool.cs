namespace Tanks.Tests.Infrastructure;

/// <summary>
/// External programs some tests run for real (redis-server, ...). Missing on a developer machine: the test is
/// skipped with how to install it. Missing in CI (CI set): the test fails, because in CI nothing may be skipped.
/// </summary>
public static class RequiredTool
{
    public static string Find(string name, string installHint)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Append(Path.Combine(Repo.Root, ".tools", "bin"))
            .Append("/usr/sbin").Append("/usr/bin").Append("/usr/local/bin");
        foreach (var dir in dirs.Where(d => d.Length > 0))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        var message = $"'{name}' is not installed ({installHint}).";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(message + " In CI every test must run.");
        }

        Assert.Skip(message);
        return null!;
    }
}
