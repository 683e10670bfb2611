using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Baton.Client.Tests;

public sealed class BatonClientOptionsTests
{
    [Fact]
    public void AddBatonClient_RelativeBaseAddressAndBadPath_FailsNamingTheProperties()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("api").AddBatonClient(o => (o.BaseAddress, o.RefreshPath) = (new Uri("baton", UriKind.Relative), "v1/auth/refresh"));
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<BatonClientOptions>>().Get("api"));

        Assert.Contains(failure.Failures, f => f.Contains("BaseAddress", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("RefreshPath", StringComparison.Ordinal));
    }

    [Fact]
    public void AddBatonClient_TwoClients_KeepSeparateSessions()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("one").AddBatonClient();
        services.AddHttpClient("two").AddBatonClient();
        using var provider = services.BuildServiceProvider();

        var one = provider.GetRequiredKeyedService<BatonTokenManager>("one");
        var two = provider.GetRequiredKeyedService<BatonTokenManager>("two");

        Assert.NotSame(one.Store, two.Store);
        Assert.Same(one.Store, provider.GetRequiredKeyedService<IBatonTokenStore>("one"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-dots")]
    [InlineData("a.!!!.c")]
    [InlineData("a.bm90IGpzb24.c")]
    [InlineData("a.eyJleHAiOiJzb29uIn0.c")]
    [InlineData("a.WzFd.c")]
    public void Read_MalformedToken_ReturnsNull(string token) => Assert.Null(JwtTimes.Read(token));

    [Fact]
    public void Read_TokenWithIatAndExp_ReturnsBoth()
    {
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"iat":1700000000,"exp":1700000900}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var times = JwtTimes.Read($"e30.{payload}.sig");

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), times?.IssuedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000900), times?.ExpiresAt);
    }
}
