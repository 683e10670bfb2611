using Baton.Core.Ledgers;

namespace Baton.Grains.Tests;

/// <summary>The session policy's start-up checks for the repeat window (DESIGN.md §8).</summary>
public sealed class SessionPolicyValidatorTests
{
    private readonly SessionPolicyValidator _validator = new();

    [Fact]
    public void Validate_DefaultPolicy_Succeeds() =>
        Assert.True(_validator.Validate(null, new SessionPolicy()).Succeeded);

    [Theory]
    [InlineData(-1)]
    [InlineData(3601)]
    public void Validate_RepeatedCallWindowOutOfRange_NamesTheSetting(int seconds)
    {
        var result = _validator.Validate(null, new SessionPolicy { RepeatedCallWindow = TimeSpan.FromSeconds(seconds) });

        Assert.True(result.Failed);
        Assert.Contains("RepeatedCallWindow", result.FailureMessage, StringComparison.Ordinal);
    }
}
