using System.Net;
using System.Text.Json;
using Baton.Api.Accounts;
using Microsoft.Extensions.DependencyInjection;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary>
/// SECURITY.md 14, the <c>sub</c> of a deleted or locked user: an administrator locks, unlocks
/// and deletes users, and every token of the user stops working with a precise reason.
/// </summary>
public sealed class AccountLifecycleTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task SubOfALockedUser_AccessAndRefreshTokensRefused_AsAccountLocked()
    {
        var (userId, username, laptop) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        var phone = await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });

        using var locked = await _api.PostJsonAsync($"/v1/admin/users/{userId}/lock", null, headers: AdminKey);

        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Equal(2, (await BatonApi.JsonOf(locked)).GetProperty("ended").GetInt32());
        using var me = await _api.GetAsync("/v1/me", laptop.AccessToken);
        var problem = await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "account_locked");
        Assert.Equal("You were signed out because the account was locked.", problem.GetProperty("detail").GetString());
        using var refresh = await _api.RefreshRawAsync(phone.RefreshToken);
        await BatonApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized, "session_ended", "account_locked");
        Assert.False((await _api.IntrospectAsync(laptop.AccessToken)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task LockedUser_LoginWithTheRightPassword_IsRefused_UntilUnlocked()
    {
        var (userId, username, _) = await _api.NewUserAsync();
        using (var locked = await _api.PostJsonAsync($"/v1/admin/users/{userId}/lock", null, headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        using var refused = await _api.LoginRawAsync(username);
        await BatonApi.AssertProblemAsync(refused, HttpStatusCode.Forbidden, "account_locked", bearerChallenge: false);

        using var unlocked = await _api.PostJsonAsync($"/v1/admin/users/{userId}/unlock", null, headers: AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, unlocked.StatusCode);
        var again = await _api.LoginAsync(username);
        using var me = await _api.GetAsync("/v1/me", again.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task LockedUser_RightAndWrongPassword_GetTheSameAnswer_AndCountNothing()
    {
        var (userId, username, _) = await _api.NewUserAsync();
        using (var locked = await _api.PostJsonAsync($"/v1/admin/users/{userId}/lock", null, headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        // A guesser must not learn from a locked account whether a guess was right.
        for (var i = 0; i < 12; i++)
        {
            using var wrong = await _api.LoginRawAsync(username, password: "not the password");
            await BatonApi.AssertProblemAsync(wrong, HttpStatusCode.Forbidden, "account_locked", bearerChallenge: false);
            Assert.False(wrong.Headers.Contains("Retry-After"));
        }

        using var right = await _api.LoginRawAsync(username);
        await BatonApi.AssertProblemAsync(right, HttpStatusCode.Forbidden, "account_locked", bearerChallenge: false);

        // Twelve wrong guesses while locked did not count (ten would have started a lockout).
        var account = await factory.Services.GetRequiredService<AccountService>().FindAsync(userId, CancellationToken.None);
        Assert.Equal(0, account!.FailedLoginCount);
        Assert.Null(account.LockedUntil);
    }

    [Fact]
    public async Task Unlock_EndsALockoutFromFailedLogins()
    {
        var (userId, username, _) = await _api.NewUserAsync();
        HttpStatusCode status;
        var attempts = 0;
        do
        {
            using var wrong = await _api.LoginRawAsync(username, password: "not the password");
            status = wrong.StatusCode;
            Assert.True(++attempts < 50, "The account never locked after failed logins.");
        }
        while (status != HttpStatusCode.Forbidden);

        using var unlocked = await _api.PostJsonAsync($"/v1/admin/users/{userId}/unlock", null, headers: AdminKey);

        Assert.Equal(HttpStatusCode.NoContent, unlocked.StatusCode);
        using var login = await _api.LoginRawAsync(username);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task SubOfADeletedUser_TokensRefused_AsAccountDeleted_AndTheLoginIsGone()
    {
        var (userId, username, pair) = await _api.NewUserAsync();

        using var deleted = await _api.DeleteAsync($"/v1/admin/users/{userId}", headers: AdminKey);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);
        var problem = await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "account_deleted");
        Assert.Equal("You were signed out because the account was deleted.", problem.GetProperty("detail").GetString());
        using var refresh = await _api.RefreshRawAsync(pair.RefreshToken);
        await BatonApi.AssertProblemAsync(refresh, HttpStatusCode.Unauthorized, "session_ended", "account_deleted");
        using var login = await _api.LoginRawAsync(username);
        await BatonApi.AssertProblemAsync(login, HttpStatusCode.Unauthorized, "invalid_credentials", bearerChallenge: false);
    }

    [Fact]
    public async Task DeletedUser_UsernameCanBeRegisteredAgain_AsANewUser_WhoseTokensWork()
    {
        var (userId, username, old) = await _api.NewUserAsync();
        using (var deleted = await _api.DeleteAsync($"/v1/admin/users/{userId}", headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var newId = await _api.RegisterAsync(username);
        var fresh = await _api.LoginAsync(username);

        Assert.NotEqual(userId, newId);
        Assert.Equal(newId, BatonApi.Claim(fresh.AccessToken, "sub"));
        using var freshMe = await _api.GetAsync("/v1/me", fresh.AccessToken);
        Assert.Equal(HttpStatusCode.OK, freshMe.StatusCode);
        using var oldMe = await _api.GetAsync("/v1/me", old.AccessToken);
        await BatonApi.AssertProblemAsync(oldMe, HttpStatusCode.Unauthorized, "session_ended", "account_deleted");
    }

    [Fact]
    public async Task DeletedUser_StaysDeleted_DeleteAgainIsHarmless_UnlockIsNotFound()
    {
        var (userId, _, _) = await _api.NewUserAsync();
        using (var deleted = await _api.DeleteAsync($"/v1/admin/users/{userId}", headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var again = await _api.DeleteAsync($"/v1/admin/users/{userId}", headers: AdminKey);
        using var unlock = await _api.PostJsonAsync($"/v1/admin/users/{userId}/unlock", null, headers: AdminKey);
        using var issued = await _api.PostJsonAsync("/v1/sessions", new { user_id = userId }, headers: IssueKey);

        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        await BatonApi.AssertProblemAsync(unlock, HttpStatusCode.NotFound, "not_found", bearerChallenge: false);
        await BatonApi.AssertProblemAsync(issued, HttpStatusCode.Forbidden, "account_locked", bearerChallenge: false);
    }

    [Fact]
    public async Task BackendUser_CanBeLocked_TrustedBackendCannotIssueUntilUnlocked()
    {
        const string user = "backend-user-locked";
        using var first = await _api.PostJsonAsync("/v1/sessions", new { user_id = user }, headers: IssueKey);
        var pair = Pair.Of(await BatonApi.JsonOf(first));

        using var locked = await _api.PostJsonAsync($"/v1/admin/users/{user}/lock", null, headers: AdminKey);
        using var refused = await _api.PostJsonAsync("/v1/sessions", new { user_id = user }, headers: IssueKey);
        using var me = await _api.GetAsync("/v1/me", pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        await BatonApi.AssertProblemAsync(refused, HttpStatusCode.Forbidden, "account_locked", bearerChallenge: false);
        await BatonApi.AssertProblemAsync(me, HttpStatusCode.Unauthorized, "session_ended", "account_locked");
        using (var unlocked = await _api.PostJsonAsync($"/v1/admin/users/{user}/unlock", null, headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, unlocked.StatusCode);
        }

        using var issued = await _api.PostJsonAsync("/v1/sessions", new { user_id = user }, headers: IssueKey);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
    }

    [Fact]
    public async Task GetUser_ShowsStatusThroughLockUnlockAndDelete()
    {
        var (userId, username, _) = await _api.NewUserAsync(new { id = "laptop", type = "desktop" });
        await _api.LoginAsync(username, device: new { id = "phone", type = "mobile" });

        var active = await UserAsync(userId);
        Assert.Equal((username, "active", 2, 0), (active.GetProperty("username").GetString(), active.GetProperty("status").GetString(), active.GetProperty("active_sessions").GetInt32(), active.GetProperty("failed_logins").GetInt32()));
        Assert.Equal(JsonValueKind.Null, active.GetProperty("locked_out_until").ValueKind);

        using (var locked = await _api.PostJsonAsync($"/v1/admin/users/{userId}/lock", null, headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        var lockedView = await UserAsync(userId);
        Assert.Equal(("locked", 0), (lockedView.GetProperty("status").GetString(), lockedView.GetProperty("active_sessions").GetInt32()));

        using (var deleted = await _api.DeleteAsync($"/v1/admin/users/{userId}", headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var deletedView = await UserAsync(userId);
        Assert.Equal("deleted", deletedView.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, deletedView.GetProperty("username").ValueKind);
        using var unknown = await _api.GetAsync("/v1/admin/users/no-such-user-id", headers: AdminKey);
        await BatonApi.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "not_found", bearerChallenge: false);
    }

    [Fact]
    public async Task GetUser_ShowsAFailedLoginLockout_UntilUnlock()
    {
        var (userId, username, _) = await _api.NewUserAsync();
        HttpStatusCode status;
        do
        {
            using var wrong = await _api.LoginRawAsync(username, password: "not the password");
            status = wrong.StatusCode;
        }
        while (status != HttpStatusCode.Forbidden);

        var lockedOut = await UserAsync(userId);
        Assert.Equal("active", lockedOut.GetProperty("status").GetString()); // not an administrator's lock
        Assert.True(lockedOut.GetProperty("locked_out_until").GetDateTimeOffset() > factory.Clock.GetUtcNow());

        using (var unlocked = await _api.PostJsonAsync($"/v1/admin/users/{userId}/unlock", null, headers: AdminKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, unlocked.StatusCode);
        }

        Assert.Equal(JsonValueKind.Null, (await UserAsync(userId)).GetProperty("locked_out_until").ValueKind);
    }

    [Fact]
    public async Task LockUnlockDelete_UnknownUser_IsNotFound_AndLeavesNothingBehind()
    {
        const string typo = "no-such-user-id";

        using var lockAttempt = await _api.PostJsonAsync($"/v1/admin/users/{typo}/lock", null, headers: AdminKey);
        using var unlockAttempt = await _api.PostJsonAsync($"/v1/admin/users/{typo}/unlock", null, headers: AdminKey);
        using var deleteAttempt = await _api.DeleteAsync($"/v1/admin/users/{typo}", headers: AdminKey);

        await BatonApi.AssertProblemAsync(lockAttempt, HttpStatusCode.NotFound, "not_found", bearerChallenge: false);
        await BatonApi.AssertProblemAsync(unlockAttempt, HttpStatusCode.NotFound, "not_found", bearerChallenge: false);
        await BatonApi.AssertProblemAsync(deleteAttempt, HttpStatusCode.NotFound, "not_found", bearerChallenge: false);
        // No closed ledger was left behind: a trusted backend can still start a session for that id.
        using var issued = await _api.PostJsonAsync("/v1/sessions", new { user_id = typo }, headers: IssueKey);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
    }

    [Fact]
    public async Task LockUnlockDelete_OrdinaryUser_Forbidden_LeavesTheTargetUntouched()
    {
        var (victimId, _, victim) = await _api.NewUserAsync();
        var (_, _, attacker) = await _api.NewUserAsync();

        using var lockAttempt = await _api.PostJsonAsync($"/v1/admin/users/{victimId}/lock", null, attacker.AccessToken);
        using var deleteAttempt = await _api.DeleteAsync($"/v1/admin/users/{victimId}", attacker.AccessToken);
        using var unlockAttempt = await _api.PostJsonAsync($"/v1/admin/users/{victimId}/unlock", null, attacker.AccessToken);

        await BatonApi.AssertProblemAsync(lockAttempt, HttpStatusCode.Forbidden, "forbidden", bearerChallenge: false);
        await BatonApi.AssertProblemAsync(deleteAttempt, HttpStatusCode.Forbidden, "forbidden", bearerChallenge: false);
        await BatonApi.AssertProblemAsync(unlockAttempt, HttpStatusCode.Forbidden, "forbidden", bearerChallenge: false);
        using var me = await _api.GetAsync("/v1/me", victim.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    private async Task<JsonElement> UserAsync(string userId)
    {
        using var response = await _api.GetAsync($"/v1/admin/users/{userId}", headers: AdminKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await BatonApi.JsonOf(response);
    }
}
