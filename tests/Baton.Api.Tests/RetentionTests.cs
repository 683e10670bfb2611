using System.Net;
using Baton.Core.Audit;
using Baton.Core.Tokens;
using Baton.Api.Hosting;
using Baton.Api.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary>
/// The retention sweep over the real store: old audit events and feed entries go, recent ones and the
/// newest cursor stay. The sweeps run on a clock of their own: moving the server's clock would also
/// wake its scheduled sweep, which would race the sweeps these tests count.
/// </summary>
public sealed class RetentionTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Sweep_DeletesWhatIsPastRetention_AndNothingYounger()
    {
        var (userId, username, _) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });
        using (var kick = await _api.PostJsonAsync($"/v1/admin/users/{userId}/kick", null, headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, kick.StatusCode);
        }

        var clock = new FakeTimeProvider(factory.Clock.GetUtcNow());
        var sweeper = SweeperOn(factory, clock);
        var audit = factory.Services.GetRequiredService<IAuditLog>();
        var feed = factory.Services.GetRequiredService<IRevocationLog>();
        // Two logins and two sessions kicked: the only audit events and feed entries of this server.
        Assert.Equal(4, (await audit.ReadAsync(userId, 100, CancellationToken.None)).Count);
        var latest = await feed.LatestRevocationAsync(CancellationToken.None);

        // Inside every retention: nothing goes.
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(new RetentionSweep(0, 0), await sweeper.SweepAsync(CancellationToken.None));

        // Past the feed's day, inside the audit's 90 days: the feed's older entry goes, the newest stays.
        clock.Advance(TimeSpan.FromDays(2));
        var feedSweep = await sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(new RetentionSweep(0, 1), feedSweep);
        Assert.Equal(latest, Assert.Single(await feed.ReadRevocationsAsync(0, 100, CancellationToken.None)).Cursor);
        Assert.Equal(4, (await audit.ReadAsync(userId, 100, CancellationToken.None)).Count);

        // Past 90 days: the audit events go too.
        clock.Advance(TimeSpan.FromDays(90));
        Assert.Equal(new RetentionSweep(4, 0), await sweeper.SweepAsync(CancellationToken.None));
        Assert.Empty(await audit.ReadAsync(userId, 100, CancellationToken.None));
        Assert.Equal(latest, await feed.LatestRevocationAsync(CancellationToken.None));
    }

    /// <summary>A sweeper over the server's store and settings that reads the time from <paramref name="clock"/>.</summary>
    internal static RetentionSweeper SweeperOn(BatonFactory factory, TimeProvider clock)
    {
        var services = factory.Services;
        return new RetentionSweeper(
            services.GetRequiredService<IAuditLog>(),
            services.GetRequiredService<IRevocationLog>(),
            services.GetRequiredService<IOptions<RetentionOptions>>(),
            services.GetRequiredService<IOptions<TokenOptions>>(),
            clock,
            services.GetRequiredService<ILogger<RetentionSweeper>>());
    }
}

/// <summary>Retention set below what the feed must keep, and audit kept forever.</summary>
public sealed class ShortRetentionFactory : BatonFactory
{
    public ShortRetentionFactory()
    {
        Settings["Baton:Retention:Revocations"] = "00:00:00";
        Settings["Baton:Retention:AuditEvents"] = "00:00:00";
    }
}

public sealed class ShortRetentionTests(ShortRetentionFactory factory) : IClassFixture<ShortRetentionFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Sweep_KeepsFeedEntriesAsLongAsAccessTokensLive_AndAuditForeverWhenRetentionIsZero()
    {
        var (_, username, _) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        var phone = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });
        await _api.LoginAsync(username, device: new { id = "tablet", type = "mobile" });
        using (var logout = await _api.PostJsonAsync("/v1/auth/logout-all", null, phone.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var clock = new FakeTimeProvider(factory.Clock.GetUtcNow());
        var sweeper = RetentionTests.SweeperOn(factory, clock);

        // The access tokens of the ended sessions live 15 minutes (plus 30 s of skew): their entries stay.
        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(new RetentionSweep(0, 0), await sweeper.SweepAsync(CancellationToken.None));

        clock.Advance(TimeSpan.FromMinutes(2));
        var swept = await sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(0, swept.AuditEvents);
        Assert.Equal(2, swept.Revocations); // three sessions ended; the newest entry stays
    }
}
