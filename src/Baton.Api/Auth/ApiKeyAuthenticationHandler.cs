using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Baton.Core;
using Baton.Api.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Baton.Api.Auth;

/// <summary>Authenticates trusted backends by the SHA-256 of the key in <c>X-Api-Key</c>.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<ApiKeyOptions> keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(AuthSchemes.ApiKeyHeader, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = values[0]!;
        if (presented.Length > 512)
        {
            return Task.FromResult(Fail());
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        foreach (var key in keys.CurrentValue.Keys)
        {
            if (key.Sha256.Length == 64 && CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(key.Sha256)))
            {
                var claims = new List<Claim> { new(ClaimTypes.Name, key.Name), new(BatonClaims.Subject, "api-key:" + key.Name) };
                claims.AddRange(key.Scopes.Select(s => new Claim(BatonClaims.Scope, s)));
                var identity = new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, BatonClaims.Role);
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
            }
        }

        return Task.FromResult(Fail());
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, new AuthFailure(ErrorCode.InvalidToken, null, "A valid API key is required."), bearerChallenge: false);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, new AuthFailure(ErrorCode.Forbidden, null, "The API key lacks the scope this needs."), bearerChallenge: false);

    private AuthenticateResult Fail()
    {
        Context.Features.Set(new AuthFailure(ErrorCode.InvalidToken, null, "Unknown API key."));
        return AuthenticateResult.Fail("Unknown API key.");
    }
}
