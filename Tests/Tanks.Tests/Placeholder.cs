namespace Tanks.Tests;
