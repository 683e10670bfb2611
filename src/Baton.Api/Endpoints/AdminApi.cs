using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Grains;
using Baton.Core.Users;
using Baton.Api.Accounts;
using Baton.Api.Auth;
using Baton.Api.Endpoints.Contracts;
using Baton.Api.Problems;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Api.Endpoints;

/// <summary>Any user's sessions and account, for the admin role or an API key with <c>sessions:admin</c>.</summary>
internal static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/admin/users", FindByUsername).WithTags("Admin").RequireAuthorization(AuthSchemes.AdminPolicy);
        var group = routes.MapGroup("/v1/admin/users/{userId}").WithTags("Admin").RequireAuthorization(AuthSchemes.AdminPolicy).ValidateRouteIds();
        group.MapGet("", GetUser);
        group.MapGet("/sessions", ListSessions);
        group.MapPost("/kick", Kick);
        group.MapDelete("/sessions/{sessionId}", RevokeSession);
        group.MapPost("/lock", Lock).AddEndpointFilter(RequireKnownUser);
        group.MapPost("/unlock", Unlock).AddEndpointFilter(RequireKnownUser);
        group.MapDelete("", Delete).AddEndpointFilter(RequireKnownUser);
        return group;
    }

    /// <summary>The user's account (if any), whether it is locked or deleted, and how many sessions are active.</summary>
    public static async Task<Results<Ok<UserView>, ProblemHttpResult>> GetUser(string userId, SessionService sessions, AccountService accounts, TimeProvider time, CancellationToken cancellationToken)
    {
        var (ledger, account, problem) = await FindUserAsync(userId, sessions, accounts, cancellationToken);
        return problem is null ? TypedResults.Ok(UserView.Of(userId, account, ledger!, time.GetUtcNow())) : problem;
    }

    /// <summary>
    /// Query <c>username</c>: the account with that username, as <c>GET /v1/admin/users/{userId}</c>
    /// answers for its id (the name is normalized as at registration, so any compatibility form finds it).
    /// </summary>
    public static async Task<Results<Ok<UserView>, ProblemHttpResult>> FindByUsername(
        string? username, SessionService sessions, AccountService accounts, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(username) || UsernameRules.Check(username) is not null)
        {
            return ApiProblem.Validation(new Dictionary<string, string[]> { ["username"] = ["A valid username is required."] });
        }

        if (await accounts.FindByUsernameAsync(username, cancellationToken) is not { } account)
        {
            return ApiProblem.NotFound("No account has this username.");
        }

        return await GetUser(account.Id, sessions, accounts, time, cancellationToken);
    }

    /// <summary>Active and recently ended sessions, with why they ended.</summary>
    public static async Task<Results<Ok<SessionView[]>, ProblemHttpResult>> ListSessions(string userId, SessionService sessions, CancellationToken cancellationToken)
    {
        var ledger = await sessions.ListAsync(userId, cancellationToken);
        return ledger.Succeeded
            ? TypedResults.Ok(ledger.Outcome.Sessions.Select(s => SessionView.Of(s, null)).ToArray())
            : ApiProblem.Of(ErrorCode.Unavailable);
    }

    /// <summary>Ends every session of the user (reason <c>kicked</c>).</summary>
    public static async Task<Results<Ok<KickResult>, ProblemHttpResult>> Kick(string userId, HttpContext context, SessionService sessions, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var result = await sessions.EndAllAsync(userId, EndReason.Kicked, null, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        Log.UserKicked(loggers.CreateLogger(Log.Category), userId, result.Outcome.Ended.Length);
        return TypedResults.Ok(new KickResult(result.Outcome.Ended.Length));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeSession(string userId, string sessionId, HttpContext context, SessionService sessions, CancellationToken cancellationToken)
    {
        var result = await sessions.EndAsync(userId, sessionId, EndReason.Revoked, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        return result.Outcome.Status == EndStatus.UnknownSession ? ApiProblem.NotFound("No such session.") : TypedResults.NoContent();
    }

    /// <summary>
    /// Locks the user out: ends every session (reason <c>account_locked</c>) and refuses logins
    /// and trusted-backend sessions until unlocked. Works for users without an account that a
    /// trusted backend has started sessions for; an id Baton has never seen is a 404.
    /// </summary>
    public static async Task<Results<Ok<KickResult>, ProblemHttpResult>> Lock(string userId, HttpContext context, SessionService sessions, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var result = await sessions.CloseAsync(userId, EndReason.AccountLocked, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        Log.UserLocked(loggers.CreateLogger(Log.Category), userId, result.Outcome.Ended.Length);
        return TypedResults.Ok(new KickResult(result.Outcome.Ended.Length));
    }

    /// <summary>Lets the user sign in again, and ends a lockout from failed logins early. A deleted user stays deleted (404).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Unlock(string userId, HttpContext context, SessionService sessions, AccountService accounts, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var result = await sessions.ReopenAsync(userId, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        if (result.Outcome == ReopenStatus.Deleted)
        {
            return ApiProblem.NotFound("The user was deleted.");
        }

        await accounts.ClearLockoutAsync(userId, cancellationToken);
        Log.UserUnlocked(loggers.CreateLogger(Log.Category), userId);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Deletes the user: ends every session (reason <c>account_deleted</c>), refuses sessions for
    /// the user id for good, then deletes the account, which frees the username. Repeating it is harmless.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string userId, HttpContext context, SessionService sessions, AccountService accounts, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // The ledger first: if the account went first and the ledger write then failed, sessions
        // would outlive the account; this way a failure leaves a closed ledger and a retry finishes.
        var result = await sessions.CloseAsync(userId, EndReason.AccountDeleted, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        if (!result.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        await accounts.DeleteAsync(userId, cancellationToken);
        Log.UserDeleted(loggers.CreateLogger(Log.Category), userId, result.Outcome.Ended.Length);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The user's ledger and account, or the problem to answer instead: 404 for a user id Baton has
    /// never seen (no account, no ledger), 503 when that cannot be told.
    /// </summary>
    private static async Task<(LedgerSummary? Ledger, UserAccount? Account, ProblemHttpResult? Problem)> FindUserAsync(
        string userId, SessionService sessions, AccountService accounts, CancellationToken cancellationToken)
    {
        var ledger = await sessions.SummaryAsync(userId, cancellationToken);
        if (!ledger.Succeeded)
        {
            return (null, null, ApiProblem.Of(ErrorCode.Unavailable));
        }

        var account = await accounts.FindAsync(userId, cancellationToken);
        return account is null && ledger.Outcome.Version == 0
            ? (null, null, ApiProblem.NotFound("No such user."))
            : (ledger.Outcome, account, null);
    }

    /// <summary>
    /// Lock, unlock and delete act only on users Baton knows: locking or deleting a mistyped id
    /// would otherwise leave a closed ledger behind that refuses sessions for that id forever.
    /// </summary>
    private static async ValueTask<object?> RequireKnownUser(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var userId = (string)http.Request.RouteValues["userId"]!;
        var services = http.RequestServices;
        var (_, _, problem) = await FindUserAsync(userId, services.GetRequiredService<SessionService>(), services.GetRequiredService<AccountService>(), http.RequestAborted);
        return problem ?? await next(context);
    }
}

public sealed record KickResult(int Ended);
