using System.Net;
using System.Text.Json;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

public sealed class RevocationFeedTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Feed_ListsEndedSessionsInOrder_FromTheCursor()
    {
        var start = await LatestAsync();
        var (userId, username, laptop) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        var phone = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });
        using (var logout = await _api.PostJsonAsync("/v1/auth/logout", null, laptop.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using (var kick = await _api.PostJsonAsync($"/v1/admin/users/{userId}/kick", null, headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, kick.StatusCode);
        }

        var page = await ReadAsync($"/v1/revocations?after={start}&wait=0");

        var entries = page.GetProperty("revocations").EnumerateArray().ToArray();
        Assert.Equal(2, entries.Length);
        Assert.Equal((laptop.SessionId, "logout"), (entries[0].GetProperty("sid").GetString(), entries[0].GetProperty("reason").GetString()));
        Assert.Equal((phone.SessionId, "kicked"), (entries[1].GetProperty("sid").GetString(), entries[1].GetProperty("reason").GetString()));
        Assert.All(entries, e => Assert.Equal(userId, e.GetProperty("sub").GetString()));
        Assert.Equal(entries[1].GetProperty("cursor").GetInt64(), page.GetProperty("cursor").GetInt64());
        var rest = await ReadAsync($"/v1/revocations?after={page.GetProperty("cursor").GetInt64()}&wait=0");
        Assert.Empty(rest.GetProperty("revocations").EnumerateArray());
    }

    [Fact]
    public async Task LongPoll_AnswersWhenASessionEnds()
    {
        var (_, _, pair) = await _api.NewUserAsync();
        var latest = await LatestAsync();

        var poll = ReadAsync($"/v1/revocations?after={latest}&wait=20");
        Assert.False(poll.IsCompleted); // nothing ended after the cursor: the poll waits (an early answer would be empty, failing below)
        using (var logout = await _api.PostJsonAsync("/v1/auth/logout", null, pair.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var page = await poll.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(pair.SessionId, Assert.Single(page.GetProperty("revocations").EnumerateArray()).GetProperty("sid").GetString());
    }

    [Theory]
    [InlineData("after=-2")]
    [InlineData("wait=31")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    public async Task Feed_InvalidQuery_Is400(string query)
    {
        using var response = await _api.GetAsync($"/v1/revocations?{query}", headers: IntrospectKey);

        await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Feed_NeedsTheIntrospectScope()
    {
        using var none = await _api.GetAsync("/v1/revocations?wait=0");
        using var wrong = await _api.GetAsync("/v1/revocations?wait=0", headers: AdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    private async Task<long> LatestAsync() => (await ReadAsync("/v1/revocations?after=-1")).GetProperty("cursor").GetInt64();

    private async Task<JsonElement> ReadAsync(string path)
    {
        using var response = await _api.GetAsync(path, headers: IntrospectKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BatonApi.JsonOf(response);
    }
}
