using Microsoft.Extensions.Options;
using Tanks.Grains.Accounts;

namespace Tanks.Tests.Accounts;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _hasher = new(Options.Create(new AccountOptions()));

    [Fact]
    public void Hashes_are_argon2id_with_the_owasp_parameters_and_a_random_salt()
    {
        var a = _hasher.Hash("correct horse battery");
        var b = _hasher.Hash("correct horse battery");

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", a);
        Assert.NotEqual(a, b); // different salts
        Assert.DoesNotContain("correct horse", a);
        Assert.True(PasswordHasher.Verify("correct horse battery", a));
        Assert.True(PasswordHasher.Verify("correct horse battery", b));
        Assert.False(PasswordHasher.Verify("correct horse batterY", a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$")]
    [InlineData("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA")]
    [InlineData("$argon2id$v=19$m=x,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA")]
    public void Malformed_stored_hashes_never_verify(string stored)
    {
        Assert.False(PasswordHasher.Verify("anything at all", stored));
    }

    [Fact]
    public void Hashes_made_with_other_costs_still_verify()
    {
        var cheap = new PasswordHasher(Options.Create(new AccountOptions { Argon2MemoryKiB = 8192, Argon2Iterations = 1 }));
        var stored = cheap.Hash("an older password");

        Assert.StartsWith("$argon2id$v=19$m=8192,t=1,p=1$", stored);
        Assert.True(PasswordHasher.Verify("an older password", stored));
    }

    [Fact]
    public async Task A_dummy_verification_runs_exactly_the_one_derivation_a_real_one_runs_even_the_first_time()
    {
        var hasher = new PasswordHasher(Options.Create(new AccountOptions()));
        var stored = hasher.Hash("correct horse battery");
        var afterHash = hasher.Derivations;

        Assert.False(await hasher.VerifyDummyAsync("correct horse battery")); // the first one computes nothing ahead
        var afterDummy = hasher.Derivations;
        Assert.False(await hasher.VerifyAsync("wrong horse battery", stored));

        Assert.Equal(1, afterHash);
        Assert.Equal(2, afterDummy);
        Assert.Equal(3, hasher.Derivations);
    }

    [Fact]
    public void A_hash_of_another_cost_needs_a_rehash_and_one_of_the_current_cost_does_not()
    {
        var cheap = new PasswordHasher(Options.Create(new AccountOptions { Argon2MemoryKiB = 8192, Argon2Iterations = 1 }));

        Assert.True(_hasher.NeedsRehash(cheap.Hash("an older password")));
        Assert.False(_hasher.NeedsRehash(_hasher.Hash("a current password")));
        Assert.True(_hasher.NeedsRehash("not a hash"));
    }
}
