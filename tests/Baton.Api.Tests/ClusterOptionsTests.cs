using Baton.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Baton.Api.Tests;

/// <summary>A cluster setting that cannot work stops the node at start-up with a message naming it.</summary>
public class ClusterOptionsTests
{
    [Fact]
    public void From_NoRedis_IsTheEmbeddedDefault()
    {
        var options = BatonClusterOptions.From(Configuration());

        Assert.False(options.Enabled);
        Assert.Equal("baton", options.ClusterId);
    }

    [Fact]
    public void From_RedisAndTuning_BindsThem()
    {
        var options = BatonClusterOptions.From(Configuration(
            ("Redis", "127.0.0.1:6390,password=secret"), ("Membership:ProbeTimeout", "00:00:02"), ("Membership:DeadSiloLease", "00:00:01.5")));

        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Membership.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.Membership.DeadSiloLease);
    }

    [Theory]
    [InlineData("Redis", "password=secret", "Baton:Cluster:Redis")]
    [InlineData("ClusterId", "a/b", "Baton:Cluster:ClusterId")]
    [InlineData("ResponseTimeout", "00:00:00.010", "Baton:Cluster:ResponseTimeout")]
    [InlineData("RetryDelay", "00:01:00", "Baton:Cluster:RetryDelay")]
    [InlineData("RepeatAfter", "00:00:10", "Baton:Cluster:RepeatAfter")]
    [InlineData("Membership:ProbeTimeout", "00:00:00", "Baton:Cluster:Membership:ProbeTimeout")]
    [InlineData("Membership:NumMissedProbesLimit", "0", "Baton:Cluster:Membership:NumMissedProbesLimit")]
    [InlineData("Membership:NumVotesForDeathDeclaration", "0", "Baton:Cluster:Membership:NumVotesForDeathDeclaration")]
    [InlineData("Membership:TableRefreshTimeout", "00:00:00.100", "Baton:Cluster:Membership:TableRefreshTimeout")]
    [InlineData("Membership:DeadSiloLease", "-00:00:01", "Baton:Cluster:Membership:DeadSiloLease")]
    public void From_InvalidSetting_ThrowsNamingIt(string key, string value, string named)
    {
        var settings = key == "Redis" ? [(key, value)] : new[] { ("Redis", "127.0.0.1:6390"), (key, value) };

        var error = Assert.Throws<OptionsValidationException>(() => BatonClusterOptions.From(Configuration(settings)));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBatonClusterSilo_AnyAddress_RefusesToBindEveryInterface()
    {
        var cluster = BatonClusterOptions.From(Configuration(("Redis", "127.0.0.1:6390")));
        var builder = Host.CreateApplicationBuilder();

        var error = Assert.Throws<InvalidOperationException>(() =>
            builder.UseOrleans(silo => silo.AddBatonClusterSilo(new SiloOptions { Address = "0.0.0.0" }, cluster)));

        Assert.Contains("Baton:Silo:Address", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"{BatonClusterOptions.SectionName}:{s.Key}", (string?)s.Value)))
            .Build();
}
