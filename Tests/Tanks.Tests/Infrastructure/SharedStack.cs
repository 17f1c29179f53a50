namespace Tanks.Tests.Infrastructure;

/// <summary>One embedded silo + one Gateway.Tcp for the whole "Stack" collection (start-up costs ~3 s).</summary>
public sealed class SharedStack : IAsyncLifetime
{
    public TanksStack Stack { get; private set; } = null!;

    public GatewayHandle Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Stack = await TanksStack.StartAsync();
        Gateway = await Stack.StartTcpGatewayAsync(new Dictionary<string, string>
        {
            // Generous for the shared gateway; the limit tests use their own gateway with small limits.
            ["TcpGateway__AuthBurstPerAddress"] = "1000",
            ["TcpGateway__AuthRequestsPerMinutePerAddress"] = "60000",
        });
    }

    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedStackCollection : ICollectionFixture<SharedStack>
{
    public const string Name = "Stack";
}
