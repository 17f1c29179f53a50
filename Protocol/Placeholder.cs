namespace Tanks.Protocol;
