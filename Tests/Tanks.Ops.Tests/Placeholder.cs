namespace Tanks.Ops.Tests;
