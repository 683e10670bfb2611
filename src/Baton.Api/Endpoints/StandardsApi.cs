using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Grains;
using Baton.Core.Tokens;
using Baton.Api.Auth;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Baton.Api.Endpoints;

/// <summary>
/// The standard endpoints that let off-the-shelf software work with Baton: OpenID Connect
/// discovery and the JWKS (so JwtBearer's <c>Authority</c> just works), RFC 7662 introspection
/// and RFC 7009 revocation.
/// </summary>
internal static class StandardsApi
{
    public const string JwksPath = "/.well-known/jwks.json";
    public const string IntrospectionPath = "/oauth2/introspect";
    public const string RevocationPath = "/oauth2/revoke";

    public static IEndpointRouteBuilder MapStandardsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/.well-known/openid-configuration", Discovery).WithTags("Standards");
        routes.MapGet(JwksPath, Jwks).WithTags("Standards");
        routes.MapPost(IntrospectionPath, Introspect).WithTags("Standards").DisableAntiforgery().RequireAuthorization(AuthSchemes.IntrospectPolicy)
            .AddEndpointFilter<UrlEncodedFormFilter>().Accepts<IFormCollection>("application/x-www-form-urlencoded");
        routes.MapPost(RevocationPath, Revoke).WithTags("Standards").DisableAntiforgery()
            .AddEndpointFilter<UrlEncodedFormFilter>().Accepts<IFormCollection>("application/x-www-form-urlencoded");
        return routes;
    }

    public static Ok<DiscoveryDocument> Discovery(IOptions<TokenOptions> options, HttpContext context)
    {
        var issuer = options.Value.Issuer.TrimEnd('/');
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new DiscoveryDocument(
            Issuer: options.Value.Issuer,
            JwksUri: issuer + JwksPath,
            IntrospectionEndpoint: issuer + IntrospectionPath,
            RevocationEndpoint: issuer + RevocationPath,
            TokenEndpoint: issuer + "/v1/auth/refresh",
            IdTokenSigningAlgValuesSupported: [options.Value.AccessAlgorithm.ToString()],
            TokenEndpointAuthSigningAlgValuesSupported: [options.Value.AccessAlgorithm.ToString()],
            IntrospectionEndpointAuthMethodsSupported: ["api_key"],
            RevocationEndpointAuthMethodsSupported: ["none"],
            SubjectTypesSupported: ["public"],
            ResponseTypesSupported: ["token"]));
    }

    /// <summary>The public keys that verify access tokens: the active one, the next one before it signs, retired ones until their tokens expire.</summary>
    public static Ok<JsonWebKeySet> Jwks(SigningKeys keys, TimeProvider time, HttpContext context)
    {
        // Short enough that a resource server sees the next key well before it starts signing.
        context.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Ok(new JsonWebKeySet(keys.Tokens.Ring.PublishedKeys(time.GetUtcNow())));
    }

    /// <summary>RFC 7662: <c>active</c> only for a valid token of a session that is active now (asked of the session's grain).</summary>
    public static async Task<Results<Ok<Introspection>, ProblemHttpResult>> Introspect(
        HttpRequest request, SigningKeys keys, SessionService sessions, TimeProvider time, CancellationToken cancellationToken)
    {
        var (token, hint) = TokenForm(request);
        var now = time.GetUtcNow();
        var tokens = keys.Tokens;
        var access = hint == "refresh_token" ? default : tokens.ValidateAccessToken(token, now);
        if (access.Succeeded)
        {
            var c = access.Claims;
            return await ActiveAsync(sessions, c.UserId, c.SessionId, _ =>
                new Introspection(true, c.UserId, c.SessionId, c.Jti, "access_token", c.IssuedAt.ToUnixTimeSeconds(), c.ExpiresAt.ToUnixTimeSeconds(), tokens.Ring.Options.Issuer, tokens.Ring.Options.AccessAudience, tokens.Ring.Options.ClientId, c.Roles), cancellationToken);
        }

        var refresh = tokens.ValidateRefreshToken(token, now);
        if (refresh.Succeeded)
        {
            var c = refresh.Claims;
            // Only the session's current generation is an active refresh token.
            return await ActiveAsync(sessions, c.UserId, c.SessionId, session =>
                string.Equals(session.CurrentJti, c.Jti, StringComparison.Ordinal)
                    ? new Introspection(true, c.UserId, c.SessionId, c.Jti, "refresh_token", c.IssuedAt.ToUnixTimeSeconds(), c.ExpiresAt.ToUnixTimeSeconds(), tokens.Ring.Options.Issuer, tokens.Ring.Options.RefreshAudience, tokens.Ring.Options.ClientId, null)
                    : Introspection.Inactive, cancellationToken);
        }

        return TypedResults.Ok(Introspection.Inactive);
    }

    /// <summary>
    /// RFC 7009: ends the session of a valid access or refresh token (reason <c>revoked</c>), and
    /// answers 200 whatever the token was, so the endpoint reveals nothing.
    /// </summary>
    public static async Task<Results<Ok, ProblemHttpResult>> Revoke(
        HttpRequest request, SigningKeys keys, SessionService sessions, TimeProvider time, CancellationToken cancellationToken)
    {
        var (token, _) = TokenForm(request);
        var now = time.GetUtcNow();
        var tokens = keys.Tokens;
        var (userId, sessionId) = tokens.ValidateRefreshToken(token, now) is { Succeeded: true } r
            ? (r.Claims.UserId, r.Claims.SessionId)
            : tokens.ValidateAccessToken(token, now) is { Succeeded: true } a ? (a.Claims.UserId, a.Claims.SessionId) : (null, null);
        if (userId is null || sessionId is null)
        {
            return TypedResults.Ok();
        }

        var ended = await sessions.EndAsync(userId, sessionId, EndReason.Revoked, BearerAuthenticationHandler.ClientInfoOf(request.HttpContext), cancellationToken);
        // RFC 7009 §2.2.1: 503 tells the client to retry; the token is not revoked yet.
        return ended.Succeeded ? TypedResults.Ok() : Problems.ApiProblem.Of(ErrorCode.Unavailable);
    }

    private static async Task<Results<Ok<Introspection>, ProblemHttpResult>> ActiveAsync(
        SessionService sessions, string userId, string sessionId, Func<SessionDetails, Introspection> describe, CancellationToken cancellationToken)
    {
        var check = await sessions.CheckAsync(userId, sessionId, cancellationToken);
        if (!check.Succeeded)
        {
            return Problems.ApiProblem.Of(ErrorCode.Unavailable);
        }

        return TypedResults.Ok(check.Outcome.IsActive ? describe(check.Outcome.Session) : Introspection.Inactive);
    }

    /// <summary>The form <see cref="UrlEncodedFormFilter"/> has already read and checked.</summary>
    private static (string? Token, string? Hint) TokenForm(HttpRequest request) =>
        (request.Form["token"].ToString(), request.Form["token_type_hint"].ToString());
}

/// <summary>The OpenID Connect discovery document (the parts that apply to Baton).</summary>
public sealed record DiscoveryDocument(
    string Issuer,
    string JwksUri,
    string IntrospectionEndpoint,
    string RevocationEndpoint,
    string TokenEndpoint,
    IReadOnlyList<string> IdTokenSigningAlgValuesSupported,
    IReadOnlyList<string> TokenEndpointAuthSigningAlgValuesSupported,
    IReadOnlyList<string> IntrospectionEndpointAuthMethodsSupported,
    IReadOnlyList<string> RevocationEndpointAuthMethodsSupported,
    IReadOnlyList<string> SubjectTypesSupported,
    IReadOnlyList<string> ResponseTypesSupported);

/// <summary>A JWK Set (RFC 7517 §5).</summary>
public sealed record JsonWebKeySet(IReadOnlyList<PublicJsonWebKey> Keys);

/// <summary>An RFC 7662 introspection response; an inactive token reveals nothing but <c>active: false</c>.</summary>
public sealed record Introspection(
    bool Active,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Sub = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Sid = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Jti = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? TokenType = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] long? Iat = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] long? Exp = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Iss = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Aud = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? ClientId = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Roles = null)
{
    public static Introspection Inactive { get; } = new(false);
}
