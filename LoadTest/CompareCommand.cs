using System.CommandLine;
using System.Text.Json;

namespace Tanks.LoadTest;

/// <summary>
/// <c>compare DIR</c>: Tanks and the Colyseus peer side by side from a <c>side-by-side.sh</c> directory (<see cref="SideBySide"/>):
/// the markdown table on stdout and in <c>DIR/side-by-side.md</c>, the rows and runs in <c>DIR/side-by-side.json</c>;
/// exit 1 when a file is missing or cannot be read.
/// </summary>
public static class CompareCommand
{
    public const string MarkdownFile = "side-by-side.md";
    public const string JsonFile = "side-by-side.json";

    /// <summary>The subcommand; <paramref name="exited"/> gets its exit code.</summary>
    public static Command Create(Action<int> exited)
    {
        var directory = new Argument<string>("dir") { Description = "the side-by-side campaign's output directory" };
        var command = new Command("compare", "Tanks beside Colyseus: medians per system and client count of tanks-N-R.json, colyseus-N-R.json and their rss-*.jsonl")
        {
            directory,
        };
        command.SetAction(parse =>
        {
            var code = Run(parse.GetValue(directory)!);
            exited(code);
            return code;
        });
        return command;
    }

    public static int Run(string directory)
    {
        IReadOnlyList<SideBySideRun> runs;
        try
        {
            runs = SideBySide.ReadDirectory(directory);
        }
        catch (InvalidDataException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return LoadCommand.Fatal;
        }

        var rows = SideBySide.Group(runs);
        var markdown = SideBySide.Markdown(rows);
        var md = Path.Combine(directory, MarkdownFile);
        var json = Path.Combine(directory, JsonFile);
        File.WriteAllText(md, "# Tanks and Colyseus side by side\n\n" + markdown);
        File.WriteAllText(json, JsonSerializer.Serialize(new SideBySideReport(rows, runs, SideBySide.Columns), LoadResult.Json));
        Console.Write(markdown);
        Console.WriteLine();
        Console.WriteLine($"table: {md}");
        Console.WriteLine($"json: {json}");
        return LoadCommand.Passed;
    }
}
