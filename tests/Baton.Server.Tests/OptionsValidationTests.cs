using Microsoft.Extensions.Options;

namespace Baton.Server.Tests;

/// <summary>Settings that cannot work stop Baton at start-up, with a message naming the setting.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Baton:Engine:MaxAttempts", "2", "Baton:Engine:MaxAttempts (2) must be greater than OptimisticAttempts (2)")]
    [InlineData("Baton:Engine:OptimisticAttempts", "0", "Baton:Engine:OptimisticAttempts must be at least 1")]
    [InlineData("Baton:Retention:AuditEvents", "-1.00:00:00", "Baton:Retention:AuditEvents must not be negative")]
    [InlineData("Baton:Retention:BatchSize", "0", "Baton:Retention:BatchSize must be between 1 and 1000000")]
    [InlineData("Baton:Retention:Interval", "00:00:00", "Baton:Retention:Interval must be at least 1 second")]
    public void Start_WithAnImpossibleSetting_FailsNamingIt(string key, string value, string message)
    {
        using var factory = new BatonFactory();
        factory.Settings[key] = value;

        var failure = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }
}
