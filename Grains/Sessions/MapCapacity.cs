using Tanks.Game;

namespace Tanks.Grains.Sessions;

/// <summary>
/// How many tanks a side a map's spawn zones hold, found by placing battles of the largest class (several seeds, since
/// spawns are jittered): the matchmaker never forms a battle the map cannot start (a 7v7 on the duel map would fail at
/// spawn, free its players, and be formed again at the next pass).
/// </summary>
public static class MapCapacity
{
    private const int Seeds = 8;

    public static int MaxTeamSize(string mapId, int upTo)
    {
        var map = BuiltInMaps.Load(mapId);
        var classes = TankClasses.All();
        var largest = Array.IndexOf(classes, classes.MaxBy(c => c.Radius)!);
        for (var perTeam = Math.Max(1, upTo); perTeam > 1; perTeam--)
        {
            if (Fits(map, classes, largest, perTeam))
            {
                return perTeam;
            }
        }

        return 1;
    }

    private static bool Fits(MapDefinition map, TankClass[] classes, int classId, int perTeam)
    {
        var players = new PlayerSlot[perTeam * 2];
        for (var i = 0; i < players.Length; i++)
        {
            players[i] = new PlayerSlot(i % 2, classId, i + 1);
        }

        for (ulong seed = 1; seed <= Seeds; seed++)
        {
            try
            {
                _ = new Battle(new BattleSetup(map, players, seed) { Classes = classes }, new Tank[players.Length]);
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        return true;
    }
}
