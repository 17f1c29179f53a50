using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tanks.Grains;
using MatchmakingOptions = Tanks.Grains.Sessions.MatchmakingOptions;

namespace Tanks.Tests.Matchmaking;

public sealed class MatchmakingOptionsTests
{
    [Fact]
    public void The_default_steps_are_200_400_800_then_unlimited()
    {
        var options = new MatchmakingOptions();

        Assert.Equal(200, options.RatingSpreadAfter(TimeSpan.Zero));
        Assert.Equal(200, options.RatingSpreadAfter(TimeSpan.FromSeconds(9.9)));
        Assert.Equal(400, options.RatingSpreadAfter(TimeSpan.FromSeconds(10)));
        Assert.Equal(800, options.RatingSpreadAfter(TimeSpan.FromSeconds(39)));
        Assert.Equal(double.PositiveInfinity, options.RatingSpreadAfter(TimeSpan.FromSeconds(40)));
        Assert.Equal(double.PositiveInfinity, options.RatingSpreadAfter(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Configured_steps_replace_the_defaults_whole()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Matchmaking:RatingSpreadSteps:0:After"] = "00:00:00",
            ["Matchmaking:RatingSpreadSteps:0:Spread"] = "150",
            ["Matchmaking:RatingSpreadSteps:1:After"] = "00:00:15",
            ["Matchmaking:RatingSpreadSteps:1:Spread"] = "Infinity",
        });

        Assert.Equal(2, options.EffectiveRatingSpreadSteps.Count);
        Assert.Equal(150, options.RatingSpreadAfter(TimeSpan.FromSeconds(14)));
        Assert.Equal(double.PositiveInfinity, options.RatingSpreadAfter(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public void Steps_bind_from_environment_variables()
    {
        const string prefix = "TANKS_MMTEST_";
        Environment.SetEnvironmentVariable(prefix + "Matchmaking__RatingSpreadSteps__0__After", "00:00:00");
        Environment.SetEnvironmentVariable(prefix + "Matchmaking__RatingSpreadSteps__0__Spread", "300");
        try
        {
            var options = Bind(new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build());
            Assert.Equal(300, options.RatingSpreadAfter(TimeSpan.FromMinutes(5)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Matchmaking__RatingSpreadSteps__0__After", null);
            Environment.SetEnvironmentVariable(prefix + "Matchmaking__RatingSpreadSteps__0__Spread", null);
        }
    }

    [Theory]
    // after0, spread0, after1, spread1, what the error names
    [InlineData("00:00:05", "200", "00:00:10", "400", "step 0: After must be 00:00:00")]
    [InlineData("00:00:00", "200", "00:00:00", "400", "step 1: After must be later")]
    [InlineData("00:00:00", "0", "00:00:10", "400", "step 0: Spread must be positive")]
    [InlineData("00:00:00", "200", "00:00:10", "-1", "step 1: Spread must be positive")]
    [InlineData("00:00:00", "400", "00:00:10", "200", "step 1: Spread must not be narrower")]
    public void Bad_steps_fail_validation_naming_the_step(string after0, string spread0, string after1, string spread1, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new Dictionary<string, string?>
        {
            ["Matchmaking:RatingSpreadSteps:0:After"] = after0,
            ["Matchmaking:RatingSpreadSteps:0:Spread"] = spread0,
            ["Matchmaking:RatingSpreadSteps:1:After"] = after1,
            ["Matchmaking:RatingSpreadSteps:1:Spread"] = spread1,
        }));

        Assert.Contains("Matchmaking:RatingSpreadSteps " + message, error.Message);
    }

    private static MatchmakingOptions Bind(Dictionary<string, string?> settings)
        => Bind(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    /// <summary>Through the silo's own registration: binding, data annotations and all.</summary>
    private static MatchmakingOptions Bind(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddSingleton(configuration).AddTanksGrainServices();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<MatchmakingOptions>>().Value;
    }
}
