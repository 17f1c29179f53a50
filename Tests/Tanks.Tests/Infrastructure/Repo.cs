namespace Tanks.Tests.Infrastructure;

/// <summary>Paths inside the repository and to the built processes the tests start.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration these tests were built in (the processes were built alike).</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string ProcessDll(string project, string assembly)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", assembly);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{assembly} is not built; run 'dotnet build Tanks.slnx' first", path);
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tanks.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tanks.slnx not found above " + AppContext.BaseDirectory);
    }
}
