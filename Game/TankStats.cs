namespace Tanks.Game;

/// <summary>
/// Per-player battle statistics. <see cref="Hits"/>, <see cref="DamageDealt"/> and <see cref="Kills"/> count enemies only
/// (damage is the HP actually removed, so overkill is not counted); damage to team-mates (friendly fire on) goes to
/// <see cref="FriendlyDamageDealt"/>.
/// </summary>
public struct TankStats
{
    public int Shots;
    public int Hits;
    public int DamageDealt;
    public int DamageReceived;
    public int Kills;
    public int FriendlyDamageDealt;
}
