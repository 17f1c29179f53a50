namespace Tanks.Grains.Interfaces;
