using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tanks.Grains.Accounts;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Models;

namespace Tanks.Tests.Accounts;

[Collection(AccountsClusterCollection.Name)]
public sealed class UserGrainTests(AccountsCluster fixture)
{
    private const string Password = "correct horse battery";

    private static readonly IPAddress Owner = Address("192.0.2.10");
    private static readonly IPAddress Attacker = Address("203.0.113.66");

    private static string NewName() => "u" + Guid.NewGuid().ToString("N")[..12];

    private static IPAddress Address(string text) => IPAddress.Parse(text);

    private IUserGrain User(string name) => fixture.Client.GetGrain<IUserGrain>(name);

    /// <summary>Argon2id derivations run by both silos so far (tests of this collection run one at a time).</summary>
    private long Derivations() => fixture.Cluster.Silos.Sum(s => s.ServiceProvider.GetRequiredService<PasswordHasher>().Derivations);

    [Fact]
    public async Task Register_creates_an_account_with_a_numeric_id_and_a_session()
    {
        var name = NewName();
        var result = await User(name).RegisterAsync(new Secret(Password));

        Assert.Equal(AccountStatus.Ok, result.Status);
        Assert.True(result.UserId > 0);
        Assert.StartsWith($"rt1.{name}.", result.RefreshToken!.Value);
        var profile = await User(name).GetProfileAsync();
        Assert.Equal(new UserProfile(result.UserId, name, fixture.Time.GetUtcNow(), UserStats.Empty, SkillRating.Initial), profile);
    }

    [Fact]
    public async Task Registering_a_taken_name_is_refused()
    {
        var name = NewName();
        Assert.Equal(AccountStatus.Ok, (await User(name).RegisterAsync(new Secret(Password))).Status);

        var second = await User(name).RegisterAsync(new Secret("another password"));

        Assert.Equal(AccountStatus.UserExists, second.Status);
        Assert.Equal(AccountStatus.Ok, (await User(name).LoginAsync(new Secret(Password))).Status);
        Assert.Equal(AccountStatus.InvalidCredentials, (await User(name).LoginAsync(new Secret("another password"))).Status);
    }

    [Fact]
    public async Task Racing_registrations_of_one_name_create_exactly_one_account()
    {
        var name = NewName();
        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => User(name).RegisterAsync(new Secret($"password-{i:D4}"))));

        var winners = results.Where(r => r.Status == AccountStatus.Ok).ToList();
        Assert.Single(winners);
        Assert.Equal(7, results.Count(r => r.Status == AccountStatus.UserExists));
        var winningPassword = $"password-{Array.IndexOf(results, winners[0]):D4}";
        Assert.Equal(AccountStatus.Ok, (await User(name).LoginAsync(new Secret(winningPassword))).Status);
    }

    [Fact]
    public async Task User_ids_are_unique_across_accounts()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => User(NewName()).RegisterAsync(new Secret(Password))));

        Assert.All(results, r => Assert.Equal(AccountStatus.Ok, r.Status));
        Assert.Equal(6, results.Select(r => r.UserId).Distinct().Count());
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("this_name_is_far_too_long_")]
    [InlineData("has space")]
    [InlineData("UPPER")] // a grain key must already be normalized
    public async Task Register_rejects_a_key_that_is_not_a_normalized_name(string key)
    {
        Assert.Equal(AccountStatus.InvalidUserName, (await User(key).RegisterAsync(new Secret(Password))).Status);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("1234567")]
    public async Task Register_rejects_a_password_under_8_characters(string password)
    {
        Assert.Equal(AccountStatus.WeakPassword, (await User(NewName()).RegisterAsync(new Secret(password))).Status);
        Assert.Equal(AccountStatus.WeakPassword, (await User(NewName()).RegisterAsync(new Secret(new string('x', 129)))).Status);
    }

    [Fact]
    public async Task Login_with_the_right_password_opens_a_session_and_with_a_wrong_one_does_not()
    {
        var name = NewName();
        var registered = await User(name).RegisterAsync(new Secret(Password));

        var ok = await User(name).LoginAsync(new Secret(Password));
        var wrong = await User(name).LoginAsync(new Secret(Password + "!"));
        var unknown = await User(NewName()).LoginAsync(new Secret(Password));

        Assert.Equal(AccountStatus.Ok, ok.Status);
        Assert.Equal(registered.UserId, ok.UserId);
        Assert.NotEqual(registered.RefreshToken, ok.RefreshToken);
        Assert.Equal(AccountStatus.InvalidCredentials, wrong.Status);
        Assert.Null(wrong.RefreshToken);
        Assert.Equal(AccountStatus.InvalidCredentials, unknown.Status);
    }

    [Fact]
    public async Task Five_failed_logins_from_one_address_lock_that_address_out_of_the_name_for_15_minutes_whatever_the_password()
    {
        var name = NewName();
        await User(name).RegisterAsync(new Secret(Password));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(AccountStatus.InvalidCredentials, (await User(name).LoginAsync(new Secret("wrong password"), Attacker)).Status);
        }

        var fifth = await User(name).LoginAsync(new Secret("wrong password"), Attacker);
        var rightButLocked = await User(name).LoginAsync(new Secret(Password), Attacker);
        var wrongAndLocked = await User(name).LoginAsync(new Secret("wrong password"), Attacker);
        var owner = await User(name).LoginAsync(new Secret(Password), Owner);

        Assert.Equal(AccountStatus.LockedOut, fifth.Status);
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(15), fifth.LockedUntil);
        // Locked: the right and the wrong password get the very same answer.
        Assert.Equal(rightButLocked, wrongAndLocked);
        Assert.Equal(AccountStatus.LockedOut, rightButLocked.Status);
        // The guesser locked only itself out: the owner, elsewhere, logs in.
        Assert.Equal(AccountStatus.Ok, owner.Status);

        fixture.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(AccountStatus.LockedOut, (await User(name).LoginAsync(new Secret(Password), Attacker)).Status);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AccountStatus.Ok, (await User(name).LoginAsync(new Secret(Password), Attacker)).Status);
    }

    [Fact]
    public async Task A_name_without_an_account_answers_wrong_passwords_exactly_as_an_account_does_with_the_same_hash_work()
    {
        var real = NewName();
        await User(real).RegisterAsync(new Secret(Password));
        var madeUp = NewName();

        var realAnswers = await GuessAsync(real, 7);
        var madeUpAnswers = await GuessAsync(madeUp, 7);

        // Four wrong, the fifth locks (one Argon2id derivation each), then locked without any hash; the same for both.
        string[] expected = ["InvalidCredentials/1", "InvalidCredentials/1", "InvalidCredentials/1", "InvalidCredentials/1", "LockedOut/1", "LockedOut/0", "LockedOut/0"];
        Assert.Equal(expected, realAnswers.Select(a => a.Summary));
        Assert.Equal(expected, madeUpAnswers.Select(a => a.Summary));
        Assert.Equal(realAnswers.Select(a => a.Result), madeUpAnswers.Select(a => a.Result)); // lockedUntil included
        Assert.Null(await User(madeUp).GetProfileAsync());

        async Task<List<(string Summary, AccountResult Result)>> GuessAsync(string name, int count)
        {
            var answers = new List<(string, AccountResult)>();
            for (var i = 0; i < count; i++)
            {
                var before = Derivations();
                var result = await User(name).LoginAsync(new Secret("wrong password"), Attacker);
                answers.Add(($"{result.Status}/{Derivations() - before}", result));
            }

            return answers;
        }
    }

    [Fact]
    public async Task Guesses_from_many_addresses_lock_the_name_for_new_addresses_but_not_for_one_that_logged_in_before_nor_for_a_refresh_token()
    {
        var real = NewName();
        var session = (await User(real).RegisterAsync(new Secret(Password))).RefreshToken!;
        Assert.Equal(AccountStatus.Ok, (await User(real).LoginAsync(new Secret(Password), Owner)).Status);
        var madeUp = NewName();

        // 50 addresses (the default Accounts:MaxFailedLoginsAllAddresses), one guess each: none is locked on its own.
        var realAnswers = new List<AccountStatus>();
        var madeUpAnswers = new List<AccountStatus>();
        for (var i = 1; i <= 50; i++)
        {
            realAnswers.Add((await User(real).LoginAsync(new Secret("wrong password"), Address($"198.51.100.{i}"))).Status);
            madeUpAnswers.Add((await User(madeUp).LoginAsync(new Secret("wrong password"), Address($"198.51.100.{i}"))).Status);
        }

        Assert.Equal([.. Enumerable.Repeat(AccountStatus.InvalidCredentials, 49), AccountStatus.LockedOut], realAnswers);
        Assert.Equal(realAnswers, madeUpAnswers);

        // A new address is held back even with the right password, for the account and the made-up name alike.
        var newcomer = Address("192.0.2.200");
        var before = Derivations();
        var realFromNew = await User(real).LoginAsync(new Secret(Password), newcomer);
        var madeUpFromNew = await User(madeUp).LoginAsync(new Secret(Password), newcomer);
        Assert.Equal(AccountStatus.LockedOut, realFromNew.Status);
        Assert.Equal(realFromNew, madeUpFromNew);
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(15), realFromNew.LockedUntil);
        Assert.Equal(0, Derivations() - before);

        // The owner's address (a login succeeded from it) and the owner's refresh token pass.
        Assert.Equal(AccountStatus.Ok, (await User(real).LoginAsync(new Secret(Password), Owner)).Status);
        Assert.Equal(AccountStatus.Ok, (await User(real).RefreshAsync(session)).Status);

        fixture.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(AccountStatus.Ok, (await User(real).LoginAsync(new Secret(Password), newcomer)).Status);
    }

    [Fact]
    public async Task The_address_an_account_was_registered_from_passes_the_lock_over_all_addresses()
    {
        var name = NewName();
        Assert.Equal(AccountStatus.Ok, (await User(name).RegisterAsync(new Secret(Password), Owner)).Status);
        for (var i = 1; i <= 50; i++)
        {
            await User(name).LoginAsync(new Secret("wrong password"), Address($"198.51.100.{i}"));
        }

        Assert.Equal(AccountStatus.LockedOut, (await User(name).LoginAsync(new Secret(Password), Address("192.0.2.201"))).Status);
        Assert.Equal(AccountStatus.Ok, (await User(name).LoginAsync(new Secret(Password), Owner)).Status);
    }

    [Fact]
    public async Task A_refresh_token_passes_a_lock_of_its_address()
    {
        var name = NewName();
        var session = (await User(name).RegisterAsync(new Secret(Password))).RefreshToken!;
        for (var i = 0; i < 5; i++)
        {
            await User(name).LoginAsync(new Secret("wrong password"), Owner);
        }

        Assert.Equal(AccountStatus.LockedOut, (await User(name).LoginAsync(new Secret(Password), Owner)).Status);
        Assert.Equal(AccountStatus.Ok, (await User(name).RefreshAsync(session)).Status);
    }

    [Fact]
    public async Task Addresses_of_one_ipv6_slash_64_share_a_count_and_other_prefixes_do_not()
    {
        var name = NewName();
        await User(name).RegisterAsync(new Secret(Password));
        for (var i = 1; i <= 5; i++)
        {
            await User(name).LoginAsync(new Secret("wrong password"), Address($"2001:db8:7:1::{i:x}"));
        }

        Assert.Equal(AccountStatus.LockedOut, (await User(name).LoginAsync(new Secret(Password), Address("2001:db8:7:1:ffff::1"))).Status);
        Assert.Equal(AccountStatus.Ok, (await User(name).LoginAsync(new Secret(Password), Address("2001:db8:7:2::1"))).Status);
    }

    [Fact]
    public async Task Failures_spread_wider_than_the_lockout_duration_do_not_add_up()
    {
        var name = NewName();
        await User(name).RegisterAsync(new Secret(Password));
        for (var round = 0; round < 2; round++)
        {
            if (round > 0)
            {
                fixture.Time.Advance(TimeSpan.FromMinutes(15)); // quiet for a lockout duration: the count starts again
            }

            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(AccountStatus.InvalidCredentials, (await User(name).LoginAsync(new Secret("wrong password"), Attacker)).Status);
            }
        }

        Assert.Equal(AccountStatus.LockedOut, (await User(name).LoginAsync(new Secret("wrong password"), Attacker)).Status);
    }

    [Fact]
    public async Task A_successful_login_resets_the_failure_count_of_its_address()
    {
        var name = NewName();
        await User(name).RegisterAsync(new Secret(Password));
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                await User(name).LoginAsync(new Secret("wrong password"), Owner);
            }

            Assert.Equal(AccountStatus.Ok, (await User(name).LoginAsync(new Secret(Password), Owner)).Status);
        }
    }

    [Fact]
    public async Task A_login_without_an_address_still_works_for_gateways_of_an_older_release()
    {
        var name = NewName();
        await User(name).RegisterAsync(new Secret(Password));

        Assert.Equal(AccountStatus.Ok, (await User(name).LoginAsync(new Secret(Password))).Status);
        Assert.Equal(AccountStatus.InvalidCredentials, (await User(name).LoginAsync(new Secret("wrong password"))).Status);
    }

    [Fact]
    public async Task Refresh_rotates_the_token_and_a_spent_token_is_refused()
    {
        var name = NewName();
        var first = (await User(name).RegisterAsync(new Secret(Password))).RefreshToken!;

        var second = await User(name).RefreshAsync(first);
        var third = await User(name).RefreshAsync(second.RefreshToken!);
        var replay = await User(name).RefreshAsync(first);

        Assert.Equal(AccountStatus.Ok, second.Status);
        Assert.NotEqual(first, second.RefreshToken);
        Assert.Equal(AccountStatus.Ok, third.Status);
        Assert.Equal(second.UserId, third.UserId);
        Assert.Equal(AccountStatus.InvalidToken, replay.Status);
    }

    [Fact]
    public async Task Presenting_a_spent_refresh_token_again_revokes_every_session()
    {
        var name = NewName();
        var phone = (await User(name).RegisterAsync(new Secret(Password))).RefreshToken!;
        var tablet = (await User(name).LoginAsync(new Secret(Password))).RefreshToken!;
        var rotated = (await User(name).RefreshAsync(phone)).RefreshToken!;

        var stolenReplay = await User(name).RefreshAsync(phone);

        Assert.Equal(AccountStatus.InvalidToken, stolenReplay.Status);
        Assert.Equal(AccountStatus.InvalidToken, (await User(name).RefreshAsync(rotated)).Status);
        Assert.Equal(AccountStatus.InvalidToken, (await User(name).RefreshAsync(tablet)).Status);
        Assert.Equal(AccountStatus.Ok, (await User(name).LoginAsync(new Secret(Password))).Status); // the password still works
    }

    [Fact]
    public async Task Refresh_refuses_forged_expired_and_logged_out_tokens()
    {
        var name = NewName();
        var token = (await User(name).RegisterAsync(new Secret(Password))).RefreshToken!;
        var other = (await User(name).LoginAsync(new Secret(Password))).RefreshToken!;
        var forged = new Secret(token.Value[..^2] + (token.Value[^2] == 'A' ? "BA" : "AA"));

        Assert.Equal(AccountStatus.InvalidToken, (await User(name).RefreshAsync(forged)).Status);
        Assert.Equal(AccountStatus.InvalidToken, (await User(name).RefreshAsync(new Secret("garbage"))).Status);
        Assert.Equal(AccountStatus.InvalidToken, (await User(NewName()).RefreshAsync(token)).Status);

        await User(name).LogoutAsync(token);
        Assert.Equal(AccountStatus.InvalidToken, (await User(name).RefreshAsync(token)).Status);

        fixture.Time.Advance(TimeSpan.FromDays(31));
        Assert.Equal(AccountStatus.InvalidToken, (await User(name).RefreshAsync(other)).Status);
    }

    [Fact]
    public async Task Battle_results_add_up_in_the_stats_and_a_retried_write_counts_once()
    {
        var name = NewName();
        await User(name).RegisterAsync(new Secret(Password));
        var first = new BattleOutcome(Guid.NewGuid(), BattleOutcomeKind.Win, Kills: 3, DamageDealt: 900, DamageReceived: 200, Shots: 10, Hits: 6, Survived: true);
        var second = new BattleOutcome(Guid.NewGuid(), BattleOutcomeKind.Loss, Kills: 1, DamageDealt: 300, DamageReceived: 1000, Shots: 5, Hits: 2, Survived: false);

        await User(name).RecordBattleAsync(first);
        await User(name).RecordBattleAsync(first); // retried
        await User(name).RecordBattleAsync(second);

        var stats = (await User(name).GetProfileAsync())!.Stats;
        Assert.Equal(new UserStats(Battles: 2, Wins: 1, Losses: 1, Draws: 0, Kills: 4, DamageDealt: 1200, Shots: 15, Hits: 8), stats);
    }

    [Fact]
    public void Secrets_never_print_their_value()
    {
        var secret = new Secret(Password);
        Assert.DoesNotContain(Password, secret.ToString());
        Assert.DoesNotContain(Password, new AccountResult(AccountStatus.Ok, 1, secret).ToString());
    }
}
