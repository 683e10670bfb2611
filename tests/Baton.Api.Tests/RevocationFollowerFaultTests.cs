using System.Net;
using Microsoft.Data.Sqlite;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary>
/// SECURITY.md 35 (DESIGN.md I5, I7): the front's revocation follower cannot read the feed. The
/// fault is real and confined to the feed: the file's <c>revocations</c> table is renamed away by
/// another connection, so every read of the follower fails in SQLite while the grains' state in the
/// same file stays readable. The front restarts into it, so its set of ended sessions is empty and
/// only the grains know which sessions ended.
/// </summary>
public sealed class RevocationFollowerFaultTests
{
    [Fact]
    public async Task FollowerCannotReadTheFeed_NotReady_TokensCheckedByTheGrain_ReadyAgainWhenReadable()
    {
        using var restarted = new BatonFactory();
        string userId;
        Pair revoked;
        Pair active;
        using (var first = new BatonFactory())
        {
            first.Settings["Baton:Sqlite:Path"] = restarted.DatabasePath;
            var api = BatonApi.For(first);
            (userId, var username, revoked) = await api.NewUserAsync();
            active = await api.LoginAsync(username);
            using var revoke = await api.DeleteAsync($"/v1/admin/users/{userId}/sessions/{revoked.SessionId}", headers: AdminKey);
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        Execute(restarted.DatabasePath, "ALTER TABLE revocations RENAME TO revocations_unreadable");
        var front = BatonApi.For(restarted);

        // Several of the follower's polls fail in a row: still not ready.
        await AssertNotReadyAsync(front);
        await Task.Delay(RevocationPolls(3));
        await AssertNotReadyAsync(front);

        using (var refused = await front.GetAsync("/v1/me", revoked.AccessToken))
        {
            await BatonApi.AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "session_ended", "revoked");
        }

        using (var accepted = await front.GetAsync("/v1/me", active.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        Execute(restarted.DatabasePath, "ALTER TABLE revocations_unreadable RENAME TO revocations");
        await UntilReadinessIsAsync(front, HttpStatusCode.OK);

        // Current again: the set has the revocation from the feed, and the active session still works.
        using var refusedFromTheFeed = await front.GetAsync("/v1/me", revoked.AccessToken);
        await BatonApi.AssertProblemAsync(refusedFromTheFeed, HttpStatusCode.Unauthorized, "session_ended", "revoked");
        using var stillAccepted = await front.GetAsync("/v1/me", active.AccessToken);
        Assert.Equal(HttpStatusCode.OK, stillAccepted.StatusCode);
    }

    [Fact]
    public async Task FollowerCannotReadTheFeed_SessionEndedMeanwhile_RefusedAtOnce()
    {
        using var factory = new BatonFactory();
        var front = BatonApi.For(factory);
        var (userId, _, pair) = await front.NewUserAsync();
        Execute(factory.DatabasePath, "ALTER TABLE revocations RENAME TO revocations_unreadable");
        await UntilReadinessIsAsync(front, HttpStatusCode.ServiceUnavailable);

        // The grain's append to the feed fails too; the kick still ends the session, and is known at once.
        using var kick = await front.PostJsonAsync($"/v1/admin/users/{userId}/kick", null, headers: AdminKey);
        Assert.Equal(HttpStatusCode.OK, kick.StatusCode);
        using var me = await front.GetAsync("/v1/me", pair.AccessToken);
        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "kicked");

        Execute(factory.DatabasePath, "ALTER TABLE revocations_unreadable RENAME TO revocations");
        await UntilReadinessIsAsync(front, HttpStatusCode.OK);
        using var afterRecovery = await front.GetAsync("/v1/me", pair.AccessToken);
        await BatonApi.AssertProblemAsync(afterRecovery, HttpStatusCode.Unauthorized, "session_ended", "kicked");
    }

    private static async Task AssertNotReadyAsync(BatonApi front)
    {
        using var ready = await front.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.True(ready.Headers.RetryAfter is not null, "503 without Retry-After");
    }

    private static Task UntilReadinessIsAsync(BatonApi front, HttpStatusCode status) => Eventually.UntilAsync(async () =>
    {
        using var ready = await front.GetAsync("/health/ready");
        return ready.StatusCode == status;
    });

    /// <summary>A few of the follower's polls (<c>RevocationFollower.PollInterval</c> is one second).</summary>
    private static TimeSpan RevocationPolls(int count) => TimeSpan.FromSeconds(count);

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
