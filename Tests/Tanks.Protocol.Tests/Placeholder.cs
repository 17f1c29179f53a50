namespace Tanks.Protocol.Tests;
