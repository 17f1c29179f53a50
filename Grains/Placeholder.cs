namespace Tanks.Grains;
