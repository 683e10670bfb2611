using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Baton.Testing.External;

/// <summary>A person the fake provider signs in.</summary>
public sealed record FakeUser(string? Subject, string Login, string? Email);

/// <summary>What the fake provider's token endpoint does wrong, when told to.</summary>
public enum TokenFault
{
    None,
    Garbage,
    Hang,
}

/// <summary>What the fake provider's id_token has wrong, when told to.</summary>
public enum IdTokenFault
{
    None,
    WrongNonce,
    Expired,
    ForeignSignature,
}

/// <summary>
/// An OAuth 2.0 / OpenID Connect provider on a free loopback port (Kestrel), speaking the real
/// protocol: /authorize redirects back with a code and the state; /token authenticates the client
/// (HTTP Basic or form, per client), checks the PKCE verifier against the challenge and the
/// redirect_uri, and spends the code; /user answers the profile for a Bearer or access_token query
/// token; /.well-known/openid-configuration and /jwks publish an ES256 key that signs the id_token
/// (with the nonce from /authorize).
/// </summary>
public sealed class FakeProvider : IAsyncDisposable
{
    public const string OAuthClientId = "gitee-client";
    public const string OAuthClientSecret = "gitee-secret";
    public const string OidcClientId = "oidc-client";
    public const string OidcClientSecret = "oidc-secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeUser> _tokens = new(StringComparer.Ordinal);
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "fake-es256" };
    private readonly ECDsaSecurityKey _foreignKey = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "fake-es256" };

    private FakeProvider(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Who the next /authorize signs in.</summary>
    public FakeUser SignInAs { get; set; } = new("1001", "alice", "alice@example.com");

    /// <summary>/authorize answers error=access_denied instead of a code.</summary>
    public bool Deny { get; set; }

    public TokenFault TokenFault { get; set; }

    public IdTokenFault IdTokenFault { get; set; }

    /// <summary>Calls the token endpoint answered 200 (a refused or broken one does not count).</summary>
    public int TokensIssued => _tokensIssued;

    /// <summary>The last authorization request's query, as the browser brought it.</summary>
    public IQueryCollection? LastAuthorize { get; private set; }

    private int _tokensIssued;

    public static async Task<FakeProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new FakeProvider(app);
        app.MapGet("/authorize", provider.Authorize);
        app.MapPost("/token", (Func<HttpContext, Task<IResult>>)provider.TokenAsync);
        app.MapGet("/user", provider.User);
        app.MapGet("/.well-known/openid-configuration", provider.Discovery);
        app.MapGet("/jwks", provider.Jwks);
        await app.StartAsync();
        provider.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.ECDsa.Dispose();
        _foreignKey.ECDsa.Dispose();
    }

    private IResult Authorize(HttpRequest request)
    {
        LastAuthorize = request.Query;
        var q = request.Query;
        string redirect = q["redirect_uri"]!;
        string state = q["state"]!;
        if (Deny)
        {
            return Results.Redirect($"{redirect}?error=access_denied&state={Uri.EscapeDataString(state)}");
        }

        if (q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"])
            || q["client_id"].ToString() is not (OAuthClientId or OidcClientId))
        {
            return Results.BadRequest("bad authorization request");
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = new Grant(q["client_id"]!, redirect, q["code_challenge"]!, q["nonce"], SignInAs);
        return Results.Redirect($"{redirect}?code={code}&state={Uri.EscapeDataString(state)}");
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (TokenFault == TokenFault.Hang)
        {
            // Answers only when Baton gives up (its HTTP timeout aborts the request).
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        }

        if (TokenFault == TokenFault.Garbage)
        {
            return Results.Content("<html>502 Bad Gateway</html>", "text/html", statusCode: 200);
        }

        var (clientId, secret) = ClientCredentials(context.Request, form);
        var expectedSecret = clientId switch
        {
            OAuthClientId => OAuthClientSecret,
            OidcClientId => OidcClientSecret,
            _ => null,
        };
        if (expectedSecret is null || secret != expectedSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant)
            || grant.ClientId != clientId || grant.RedirectUri != form["redirect_uri"]
            || Challenge(form["code_verifier"].ToString()) != grant.Challenge)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        var accessToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _tokens[accessToken] = grant.User;
        Interlocked.Increment(ref _tokensIssued);
        return clientId == OidcClientId
            ? Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 3600, id_token = IdToken(grant) })
            : Results.Json(new { access_token = accessToken, token_type = "bearer", expires_in = 86400, scope = "user_info" });
    }

    /// <summary>OAuth 2.0 clients of this fake authenticate in the form (gitee's way); OIDC clients with HTTP Basic.</summary>
    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
            var id = Uri.UnescapeDataString(pair[0]);
            return id == OidcClientId ? (id, Uri.UnescapeDataString(pair[1])) : (null, null);
        }

        var formId = form["client_id"].ToString();
        return formId == OAuthClientId ? (formId, form["client_secret"].ToString()) : (null, null);
    }

    private IResult User(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : request.Query["access_token"].ToString();
        if (!_tokens.TryGetValue(token, out var user))
        {
            return Results.Json(new { message = "401 Unauthorized" }, statusCode: 401);
        }

        // gitee's and GitHub's ids are JSON numbers.
        return user.Subject is null
            ? Results.Json(new { login = user.Login, email = user.Email })
            : Results.Json(new { id = long.Parse(user.Subject, System.Globalization.CultureInfo.InvariantCulture), login = user.Login, name = user.Login, email = user.Email });
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = BaseUrl,
        ["authorization_endpoint"] = BaseUrl + "/authorize",
        ["token_endpoint"] = BaseUrl + "/token",
        ["userinfo_endpoint"] = BaseUrl + "/user",
        ["jwks_uri"] = BaseUrl + "/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "ES256" },
        ["code_challenge_methods_supported"] = new[] { "S256" },
    });

    private IResult Jwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(_key);
        return Results.Json(new { keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid = jwk.Kid, use = "sig", alg = "ES256" } } });
    }

    private string IdToken(Grant grant)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["nonce"] = IdTokenFault == IdTokenFault.WrongNonce ? "not-the-nonce" : grant.Nonce ?? "",
            ["preferred_username"] = grant.User.Login,
        };
        if (grant.User.Subject is { } subject)
        {
            claims["sub"] = subject;
        }

        if (grant.User.Email is { } email)
        {
            claims["email"] = email;
        }

        var expired = IdTokenFault == IdTokenFault.Expired;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = BaseUrl,
            Audience = grant.ClientId,
            IssuedAt = expired ? now.AddHours(-2) : now,
            NotBefore = expired ? now.AddHours(-2) : now,
            Expires = expired ? now.AddHours(-1) : now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(IdTokenFault == IdTokenFault.ForeignSignature ? _foreignKey : _key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static string Challenge(string verifier) =>
        Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private sealed record Grant(string ClientId, string RedirectUri, string Challenge, string? Nonce, FakeUser User);
}
