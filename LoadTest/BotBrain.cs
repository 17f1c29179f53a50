using Tanks.Protocol.Game;
using Tanks.Protocol.Snapshots;

namespace Tanks.LoadTest;

/// <summary>
/// A bot's class choice and driving (the SDK's <see cref="Tanks.Client.Battle.SimpleBot"/> with a per-bot wobble from
/// the seed, so the tanks do not move in lockstep).
/// </summary>
public static class BotBrain
{
    public static string ValidateClass(string value) => value is "mixed" || TryClass(value, out _)
        ? value
        : throw new ArgumentException($"--class must be light, medium, heavy or mixed, not '{value}'");

    public static byte ClassOf(string option, int index) => option == "mixed" ? (byte)(index % TankClassCodes.Count) : TankClassCodes.Id(option);

    public static (float Throttle, float Steering, float Yaw, bool Fire) Drive(WorldState state, ushort self, byte team, float wobble)
        => Tanks.Client.Battle.SimpleBot.Drive(state, self, team, wobble);

    /// <summary>As <see cref="Drive(WorldState, ushort, byte, float)"/>, remembering where enemies vanished (spotting):
    /// the bot searches there, then heads for the memory's goal (the base), instead of circling.</summary>
    public static (float Throttle, float Steering, float Yaw, bool Fire) Drive(
        WorldState state, ushort self, byte team, float wobble, ref Tanks.Client.Battle.BotMemory memory)
        => Tanks.Client.Battle.SimpleBot.Drive(state, self, team, wobble, ref memory);

    private static bool TryClass(string value, out byte id)
    {
        for (byte i = 0; i < TankClassCodes.Count; i++)
        {
            if (string.Equals(TankClassCodes.Name(i), value, StringComparison.OrdinalIgnoreCase))
            {
                id = i;
                return true;
            }
        }

        id = 0;
        return false;
    }
}
