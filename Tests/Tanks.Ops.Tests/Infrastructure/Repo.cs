namespace Tanks.Ops.Tests.Infrastructure;

/// <summary>Paths inside the repository (located by walking up to the directory holding Tanks.slnx).</summary>
public static class Repo
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(Path(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Tanks.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Tanks.slnx not found above {AppContext.BaseDirectory}");
    }
}
