using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Api.Accounts;
using Baton.Api.Auth;
using Baton.Api.Diagnostics;
using Baton.Api.Endpoints.Contracts;
using Baton.Api.Options;
using Baton.Api.Problems;
using Baton.Api.Hosting;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Baton.Api.Endpoints;

/// <summary>Registration, login, refresh and logout.</summary>
internal static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1").WithTags("Auth");
        group.MapPost("/users", Register).Validate<RegisterRequest>().RequireRateLimiting(RateLimits.Register);
        group.MapPost("/auth/login", Login).Validate<LoginRequest>().RequireRateLimiting(RateLimits.Login);
        group.MapPost("/auth/refresh", Refresh).RequireRateLimiting(RateLimits.Refresh);
        group.MapPost("/auth/logout", Logout).RequireAuthorization(AuthSchemes.UserPolicy);
        group.MapPost("/auth/logout-all", LogoutAll).RequireAuthorization(AuthSchemes.UserPolicy);
        return group;
    }

    public static async Task<Results<Created<RegisteredUser>, ProblemHttpResult>> Register(
        RegisterRequest request, AccountService accounts, IOptions<AccountOptions> options, CancellationToken cancellationToken)
    {
        if (!options.Value.AllowRegistration)
        {
            return ApiProblem.Of(ErrorCode.Forbidden, "Registration is closed.");
        }

        var (user, taken) = await accounts.RegisterAsync(request.Username!, request.Password!, [], cancellationToken);
        return taken
            ? ApiProblem.Validation(new Dictionary<string, string[]> { ["username"] = ["Taken."] })
            : TypedResults.Created($"/v1/users/{user!.Id}", new RegisteredUser(user.Id, user.Username));
    }

    public static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> Login(
        LoginRequest request, HttpContext context, AccountService accounts, SessionService sessions, RefreshCookies cookies, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var check = await accounts.CheckPasswordAsync(request.Username!, request.Password!, context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (check.User is not { } user)
        {
            ServerMetrics.Login(check.Error);
            Log.LoginRefused(loggers.CreateLogger(Log.Category), check.Error!.Value.ToWire());
            return PasswordRefused(check, context);
        }

        var started = await sessions.StartAsync(user.Id, user.Username, user.Roles, DeviceOf(request.Device), BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        ServerMetrics.Login(started.Error);
        if (started.Pair is { } pair)
        {
            Log.SessionStarted(loggers.CreateLogger(Log.Category), user.Id, started.Session!.Id);
        }

        return Issue(started, context, cookies);
    }

    public static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> Refresh(
        [FromBody] RefreshRequest? request, HttpContext context, SessionService sessions, RefreshCookies cookies, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var token = request?.RefreshToken;
        var byCookie = false;
        if (token is null && cookies.Read(context.Request) is { } cookie)
        {
            if (!cookies.PassesCsrfChecks(context.Request))
            {
                return ApiProblem.Of(ErrorCode.Forbidden, "A cookie refresh needs the anti-CSRF header and a same-site origin.");
            }

            token = cookie;
            byCookie = true;
        }

        if (string.IsNullOrEmpty(token))
        {
            return ApiProblem.Validation(new Dictionary<string, string[]> { ["refresh_token"] = ["Required."] });
        }

        var refreshed = await sessions.RefreshAsync(token, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        if (refreshed.Error is { } error)
        {
            Log.RefreshRefused(loggers.CreateLogger(Log.Category), error.ToWire(), refreshed.Reason?.ToWire(), TokenFingerprint.Of(token));
            if (byCookie && error != ErrorCode.Unavailable)
            {
                cookies.Expire(context.Response);
            }
        }

        return Issue(refreshed, context, cookies, byCookie);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Logout(HttpContext context, SessionService sessions, RefreshCookies cookies, CancellationToken cancellationToken)
    {
        var user = context.User;
        var result = await sessions.EndAsync(user.UserId(), user.SessionIdOf(), EndReason.Logout, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        cookies.Expire(context.Response);
        return result.Succeeded ? TypedResults.NoContent() : ApiProblem.Of(ErrorCode.Unavailable);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> LogoutAll(HttpContext context, SessionService sessions, RefreshCookies cookies, CancellationToken cancellationToken)
    {
        var result = await sessions.EndAllAsync(context.User.UserId(), EndReason.Logout, null, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        cookies.Expire(context.Response);
        return result.Succeeded ? TypedResults.NoContent() : ApiProblem.Of(ErrorCode.Unavailable);
    }

    /// <summary>The answer to a refused password check, with Retry-After when it says when to try again.</summary>
    internal static ProblemHttpResult PasswordRefused(PasswordCheck check, HttpContext context, string? detail = null)
    {
        if (check.RetryAfter is { } wait)
        {
            RateLimits.SetRetryAfter(context.Response, wait);
        }

        return ApiProblem.Of(check.Error!.Value, detail);
    }

    internal static Device DeviceOf(DeviceRequest? device) =>
        new(device?.Id ?? RandomIds.New(), (device?.Type ?? "other").ToLowerInvariant(), device?.Name);

    /// <summary>Answers with the pair; in cookie mode the refresh token goes only into the cookie.</summary>
    internal static Results<Ok<TokenPair>, ProblemHttpResult> Issue(SessionResult result, HttpContext context, RefreshCookies cookies, bool byCookie = false)
    {
        if (result.Pair is not { } pair)
        {
            return ApiProblem.Of(result.Error ?? ErrorCode.InvalidToken, reason: result.Reason);
        }

        if (byCookie || RefreshCookies.WantsCookie(context.Request))
        {
            cookies.Write(context.Response, pair.RefreshToken!, pair.RefreshExpiresIn);
            pair = pair with { RefreshToken = null };
        }

        return TypedResults.Ok(pair);
    }
}

public sealed record RegisteredUser(string Id, string Username);
