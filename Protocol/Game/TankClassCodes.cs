namespace Tanks.Protocol.Game;

/// <summary>
/// Tank class ids on the wire (<c>JoinQueue</c>, the <c>BattleStart</c> roster) and the class names the grains use.
/// The order is the Game library's <c>TankClasses.All()</c> (a test keeps them equal).
/// </summary>
public static class TankClassCodes
{
    public const byte Light = 0;
    public const byte Medium = 1;
    public const byte Heavy = 2;

    private static readonly string[] Names = ["light", "medium", "heavy"];

    public static int Count => Names.Length;

    public static bool IsValid(byte id) => id < Names.Length;

    /// <summary>The class name for a valid id.</summary>
    public static string Name(byte id) => IsValid(id) ? Names[id] : throw new ArgumentOutOfRangeException(nameof(id), id, "0..2");

    /// <summary>The id of a class name (case-insensitive); <see cref="Medium"/> for an unknown name, as the battle does.</summary>
    public static byte Id(string name)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return (byte)i;
            }
        }

        return Medium;
    }
}
