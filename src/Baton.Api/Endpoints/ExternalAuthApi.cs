using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Baton.Api.Accounts;
using Baton.Api.Auth;
using Baton.Api.Diagnostics;
using Baton.Api.Endpoints.Contracts;
using Baton.Api.External;
using Baton.Api.Hosting;
using Baton.Api.Problems;
using Baton.Api.Sessions;
using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Grains;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Baton.Api.Endpoints;

/// <summary>
/// Sign-in through external providers (OAuth 2.0 authorization code with PKCE, OpenID Connect) and
/// the signed-in user's linked identities. The flow's state, PKCE verifier and nonce live in the
/// browser's encrypted flow cookie (<see cref="ExternalFlowCookie"/>); a one-time code for a
/// single-page app lives in an <see cref="IExternalCodeGrain"/>.
/// </summary>
internal static partial class ExternalAuthApi
{
    public static RouteGroupBuilder MapExternalAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/auth/external").WithTags("External sign-in");
        group.MapGet("", ListProviders);
        group.MapGet("/{provider}", Start).RequireRateLimiting(RateLimits.Login);
        group.MapGet("/{provider}/callback", Callback).RequireRateLimiting(RateLimits.Login);
        group.MapPost("/exchange", Exchange).Validate<ExchangeRequest>().RequireRateLimiting(RateLimits.Login);

        var identities = routes.MapGroup("/v1/me/identities").WithTags("Me").RequireAuthorization(AuthSchemes.UserPolicy);
        identities.MapGet("/", MyIdentities);
        identities.MapPost("/", LinkIdentity).Validate<LinkIdentityRequest>().RequireRateLimiting(RateLimits.Login);
        identities.MapDelete("/{provider}", UnlinkIdentity);
        return group;
    }

    /// <summary>The enabled providers a sign-in page can offer (names and display names only; nothing secret).</summary>
    public static Ok<ExternalProviderView[]> ListProviders(ExternalProviders providers) =>
        TypedResults.Ok(providers.Enabled.Select(p => new ExternalProviderView(p.Name, p.DisplayName)).ToArray());

    /// <summary>Redirects the browser to the provider, with state, PKCE (S256) and, for OIDC, a nonce bound to it by the flow cookie.</summary>
    public static async Task<Results<RedirectHttpResult, ProblemHttpResult>> Start(
        string provider,
        [FromQuery(Name = "return_to")] string? returnTo,
        [FromQuery(Name = "mode")] string? mode,
        [FromQuery(Name = "device_id")] string? deviceId,
        [FromQuery(Name = "device_type")] string? deviceType,
        [FromQuery(Name = "device_name")] string? deviceName,
        HttpContext context, ExternalProviders providers, ExternalProviderClient client, ExternalFlowCookie cookie, CancellationToken cancellationToken)
    {
        if (Provider(providers, provider) is { Problem: { } problem })
        {
            return problem;
        }

        var errors = new FieldErrors();
        var target = providers.AllowedReturnTo(returnTo);
        if (target is null)
        {
            errors.Add("return_to", "Not an allowed return URL.");
        }

        if (mode is not (null or "code" or "cookie"))
        {
            errors.Add("mode", "Must be code or cookie.");
        }

        new DeviceRequest(deviceId, deviceType, deviceName).Validate(errors);
        if (errors.Any)
        {
            return ApiProblem.Validation(errors.ToDictionary());
        }

        var device = AuthApi.DeviceOf(new DeviceRequest(deviceId, deviceType, deviceName));
        return await RedirectToProviderAsync(context, providers.Find(provider).Provider!, providers, client, cookie,
            flow => flow with { ReturnTo = target!, Cookie = mode == "cookie", DeviceId = device.Id, DeviceType = device.Type, DeviceName = device.Name }, cancellationToken);
    }

    /// <summary>
    /// The provider's redirect back: checks the state against the flow cookie (which it deletes),
    /// exchanges the code server-side, reads the identity, and signs in (or links) its user.
    /// </summary>
    public static async Task<Results<RedirectHttpResult, ProblemHttpResult>> Callback(
        string provider,
        [FromQuery(Name = "code")] string? code,
        [FromQuery(Name = "state")] string? state,
        [FromQuery(Name = "error")] string? error,
        HttpContext context, ExternalProviders providers, ExternalProviderClient client, ExternalFlowCookie cookie, ExternalSignIns signIns,
        AccountService accounts, SessionService sessions, RefreshCookies refreshCookies, IGrainFactory grains, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(Log.Category);
        if (Provider(providers, provider) is { Problem: { } problem })
        {
            return problem;
        }

        var settings = providers.Find(provider).Provider!;
        var flow = cookie.Read(context.Request);
        ExternalFlowCookie.Expire(context.Response);
        if (error is not null)
        {
            return Refused(logger, provider, ErrorCode.ProviderDenied,
                ProviderErrorCode().IsMatch(error) ? $"The provider answered error={error}." : "The provider answered with an error.");
        }

        if (flow is null || !string.Equals(flow.Provider, provider, StringComparison.Ordinal) || state is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(state), Encoding.UTF8.GetBytes(flow.State)))
        {
            return Refused(logger, provider, ErrorCode.InvalidState);
        }

        if (string.IsNullOrEmpty(code) || code.Length > 2048)
        {
            return ApiProblem.Validation(new Dictionary<string, string[]> { ["code"] = ["Required."] });
        }

        var answer = await client.SignInAsync(settings, code, providers.RedirectUri(context.Request, provider), flow, cancellationToken);
        if (answer.Profile is not { } profile)
        {
            return Refused(logger, provider, ErrorCode.ProviderFailed, answer.Failure);
        }

        var info = BearerAuthenticationHandler.ClientInfoOf(context);
        if (flow is { LinkUserId: { } linkUser, LinkSessionId: { } linkSession })
        {
            return await LinkAsync(logger, settings, profile, flow, linkUser, linkSession, info, signIns, sessions, cancellationToken);
        }

        var (user, refused) = await signIns.ResolveAsync(settings, profile, info, cancellationToken);
        if (user is null)
        {
            return Refused(logger, provider, refused ?? ErrorCode.IdentityNotLinked);
        }

        var device = new DeviceDetails(flow.DeviceId, flow.DeviceType, flow.DeviceName);
        if (!flow.Cookie)
        {
            var oneTime = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            await GrainFailures.AsStoreFailureAsync(async () =>
            {
                await grains.GetGrain<IExternalCodeGrain>(CodeKey(oneTime)).IssueAsync(new PendingSignIn(user.Id, provider, device), time.GetUtcNow() + providers.Options.CodeLifetime);
                return true;
            });
            return TypedResults.Redirect(WithQuery(flow.ReturnTo, "code", oneTime));
        }

        var started = await StartAsync(user.Id, provider, device, context, accounts, sessions, signIns, logger, cancellationToken);
        if (started.Pair is not { } pair)
        {
            return Refused(logger, provider, started.Error ?? ErrorCode.Unavailable);
        }

        refreshCookies.Write(context.Response, pair.RefreshToken!, pair.RefreshExpiresIn);
        return TypedResults.Redirect(flow.ReturnTo);
    }

    /// <summary>Exchanges a one-time code from an external sign-in for a session (once; the code is deleted by the exchange).</summary>
    public static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> Exchange(
        ExchangeRequest request, HttpContext context, IGrainFactory grains, AccountService accounts, SessionService sessions, ExternalSignIns signIns,
        RefreshCookies cookies, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var pending = await GrainFailures.AsStoreFailureAsync(grains.GetGrain<IExternalCodeGrain>(CodeKey(request.Code!)).RedeemAsync);
        if (pending is null)
        {
            return ApiProblem.Of(ErrorCode.InvalidCode);
        }

        var logger = loggers.CreateLogger(Log.Category);
        var started = await StartAsync(pending.UserId, pending.Provider, pending.Device, context, accounts, sessions, signIns, logger, cancellationToken);
        return AuthApi.Issue(started, context, cookies);
    }

    public static async Task<Results<Ok<IdentitiesView>, ProblemHttpResult>> MyIdentities(HttpContext context, AccountService accounts, ExternalSignIns signIns, CancellationToken cancellationToken)
    {
        var userId = context.User.UserId();
        var account = await accounts.FindAsync(userId, cancellationToken);
        var identities = await signIns.ListAsync(userId, cancellationToken);
        return TypedResults.Ok(new IdentitiesView(
            account?.PasswordHash is not null,
            [.. identities.Select(i => new IdentityView(i.Provider, i.Subject, i.Username, i.Email, i.LinkedAt))]));
    }

    /// <summary>Starts a link: answers the provider's URL to send the browser to, and sets the flow cookie that binds it to this user and session.</summary>
    public static async Task<Results<Ok<LinkStarted>, ProblemHttpResult>> LinkIdentity(
        LinkIdentityRequest request, HttpContext context, ExternalProviders providers, ExternalProviderClient client, ExternalFlowCookie cookie, CancellationToken cancellationToken)
    {
        if (Provider(providers, request.Provider!) is { Problem: { } problem })
        {
            return problem;
        }

        if (providers.AllowedReturnTo(request.ReturnTo) is not { } target)
        {
            return ApiProblem.Validation(new Dictionary<string, string[]> { ["return_to"] = ["Not an allowed return URL."] });
        }

        var user = context.User;
        var redirect = await RedirectToProviderAsync(context, providers.Find(request.Provider!).Provider!, providers, client, cookie,
            flow => flow with { ReturnTo = target, LinkUserId = user.UserId(), LinkSessionId = user.SessionIdOf() }, cancellationToken);
        return redirect.Result switch
        {
            RedirectHttpResult r => TypedResults.Ok(new LinkStarted(r.Url)),
            ProblemHttpResult p => p,
            _ => ApiProblem.Of(ErrorCode.ProviderFailed),
        };
    }

    /// <summary>Unlinks the user's identity of a provider, unless it is the last way to sign in.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> UnlinkIdentity(
        string provider, HttpContext context, AccountService accounts, ExternalSignIns signIns, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!ProviderName().IsMatch(provider))
        {
            return ApiProblem.Validation(new Dictionary<string, string[]> { ["provider"] = ["Not a provider name."] });
        }

        var userId = context.User.UserId();
        var account = await accounts.FindAsync(userId, cancellationToken);
        var status = await signIns.UnlinkAsync(userId, provider, account?.PasswordHash is not null, BearerAuthenticationHandler.ClientInfoOf(context), cancellationToken);
        switch (status)
        {
            case UnlinkStatus.Unlinked:
                Log.IdentityChanged(loggers.CreateLogger(Log.Category), userId, provider, "unlinked");
                return TypedResults.NoContent();
            case UnlinkStatus.LastSignInMethod:
                return ApiProblem.Of(ErrorCode.LastSignInMethod, "Link another provider first: this identity is the account's only way to sign in.");
            default:
                return ApiProblem.NotFound("No identity of this provider is linked.");
        }
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> LinkAsync(
        ILogger logger, ExternalProvider provider, ExternalProfile profile, ExternalFlow flow, string userId, string sessionId, ClientInfo info,
        ExternalSignIns signIns, SessionService sessions, CancellationToken cancellationToken)
    {
        // The session that asked must still be signed in: a link started before a logout or a kick does nothing.
        var check = await sessions.CheckAsync(userId, sessionId, cancellationToken);
        if (!check.Succeeded)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }

        if (!check.Outcome.IsActive)
        {
            return Refused(logger, provider.Name, ErrorCode.SessionEnded);
        }

        var linked = await signIns.LinkAsync(userId, provider, profile, info, cancellationToken);
        switch (linked.Status)
        {
            case LinkStatus.Linked:
                Log.IdentityChanged(logger, userId, provider.Name, "linked");
                return TypedResults.Redirect(WithQuery(flow.ReturnTo, "linked", provider.Name));
            case LinkStatus.TakenByAnother:
                return Refused(logger, provider.Name, ErrorCode.IdentityTaken);
            default:
                return Refused(logger, provider.Name, ErrorCode.ProviderAlreadyLinked);
        }
    }

    private static async Task<SessionResult> StartAsync(
        string userId, string provider, DeviceDetails device, HttpContext context, AccountService accounts, SessionService sessions, ExternalSignIns signIns, ILogger logger,
        CancellationToken cancellationToken)
    {
        // An account deleted since the sign-in began gets no session.
        if (await accounts.FindAsync(userId, cancellationToken) is not { } account)
        {
            return SessionResult.Refused(ErrorCode.InvalidCode);
        }

        var info = BearerAuthenticationHandler.ClientInfoOf(context);
        var started = await sessions.StartAsync(account.Id, account.Username, account.Roles, device.ToDevice(), info, cancellationToken);
        ServerMetrics.Login(started.Error);
        if (started is { Pair: not null, Session: { } session })
        {
            await signIns.RecordSignInAsync(account.Id, provider, session.Id, info, cancellationToken);
            Log.ExternalSignIn(logger, provider, account.Id, session.Id);
        }

        return started;
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> RedirectToProviderAsync(
        HttpContext context, ExternalProvider provider, ExternalProviders providers, ExternalProviderClient client, ExternalFlowCookie cookie,
        Func<ExternalFlow, ExternalFlow> complete, CancellationToken cancellationToken)
    {
        if (await client.AuthorizationEndpointAsync(provider, cancellationToken) is not { } endpoint)
        {
            return ApiProblem.Of(ErrorCode.ProviderFailed, "The provider's discovery document could not be read.");
        }

        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var flow = complete(new ExternalFlow(
            provider.Name,
            RandomIds.New(),
            verifier,
            provider.Protocol == ExternalProtocol.Oidc ? RandomIds.New() : null,
            "",
            false,
            null,
            null,
            RandomIds.New(),
            "web",
            null,
            cookie.ExpiryFromNow()));
        var query = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", provider.ClientId),
            new("redirect_uri", providers.RedirectUri(context.Request, provider.Name)),
            new("scope", string.Join(' ', provider.Scopes)),
            new("state", flow.State),
            new("code_challenge", Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))),
            new("code_challenge_method", "S256"),
        };
        if (flow.Nonce is { } nonce)
        {
            query.Add(new("nonce", nonce));
        }

        cookie.Write(context.Response, flow);
        var separator = endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return TypedResults.Redirect(endpoint + separator + string.Join('&', query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));
    }

    private static (ExternalProvider? Provider, ProblemHttpResult? Problem) Provider(ExternalProviders providers, string name)
    {
        if (!ProviderName().IsMatch(name))
        {
            return (null, ApiProblem.Of(ErrorCode.UnknownProvider));
        }

        var (provider, error) = providers.Find(name);
        return provider is null ? (null, ApiProblem.Of(error!.Value)) : (provider, null);
    }

    private static ProblemHttpResult Refused(ILogger logger, string provider, ErrorCode code, string? detail = null)
    {
        Log.ExternalSignInRefused(logger, provider, code.ToWire());
        ServerMetrics.Login(code);
        return ApiProblem.Of(code, detail);
    }

    /// <summary>The one-time code's grain key: its SHA-256, so the code itself is in no storage key or log.</summary>
    private static string CodeKey(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    private static string WithQuery(string url, string name, string value) =>
        url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + name + "=" + Uri.EscapeDataString(value);

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex ProviderName();

    [GeneratedRegex("^[a-z_]{1,64}$")]
    private static partial Regex ProviderErrorCode();
}

/// <summary>A one-time code from an external sign-in.</summary>
public sealed record ExchangeRequest(string? Code) : IValidatedRequest
{
    void IValidatedRequest.Validate(FieldErrors errors, Options.AccountOptions limits) => errors.Required("code", Code, 128);
}

/// <summary>Which provider to link, and where the browser comes back to.</summary>
public sealed record LinkIdentityRequest(string? Provider, string? ReturnTo) : IValidatedRequest
{
    void IValidatedRequest.Validate(FieldErrors errors, Options.AccountOptions limits)
    {
        errors.Required("provider", Provider, 32);
        errors.Optional("return_to", ReturnTo, 2048);
    }
}

/// <summary>A provider a sign-in page can offer: its name (in the URLs) and the name to show.</summary>
public sealed record ExternalProviderView(string Name, string DisplayName);

/// <summary>Where to send the browser to link an identity.</summary>
public sealed record LinkStarted(string AuthorizationUrl);

/// <summary>The signed-in user's ways to sign in.</summary>
public sealed record IdentitiesView(bool HasPassword, IdentityView[] Identities);

/// <summary>One linked identity.</summary>
public sealed record IdentityView(string Provider, string Subject, string? Username, string? Email, DateTimeOffset LinkedAt);
