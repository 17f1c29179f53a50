using Tanks.Protocol.Auth;

namespace Tanks.Tests.Gateway;

public sealed class ConnectTokenUserDataTests
{
    [Fact]
    public void The_user_name_round_trips_through_the_user_data()
    {
        var userData = new byte[256];
        userData.AsSpan().Fill(0xAA);
        ConnectTokenUserData.Write(userData, "alice_1");

        Assert.Equal("alice_1", ConnectTokenUserData.ReadUserName(userData));
        Assert.All(userData[9..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Foreign_or_damaged_user_data_gives_no_name()
    {
        Assert.Null(ConnectTokenUserData.ReadUserName(new byte[256])); // a token minted elsewhere: zeros
        var userData = new byte[256];
        ConnectTokenUserData.Write(userData, "alice_1");
        userData[3] = (byte)'A';
        Assert.Null(ConnectTokenUserData.ReadUserName(userData));
        userData[1] = 250;
        Assert.Null(ConnectTokenUserData.ReadUserName(userData));
    }
}
