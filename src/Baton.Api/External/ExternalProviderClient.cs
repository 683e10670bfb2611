using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Baton.Core.Users;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Baton.Api.External;

/// <summary>
/// The server-side half of the authorization code flow: the token request (client authentication,
/// PKCE verifier), then the profile (OAuth 2.0) or the <c>id_token</c> validated with
/// Microsoft.IdentityModel against the provider's discovery document and JWKS (OIDC: signature,
/// issuer, audience, expiry, and the flow's nonce). Every call goes through
/// <see cref="IHttpClientFactory"/>'s <see cref="HttpClientName"/> client, whose timeout is
/// <c>Baton:External:HttpTimeout</c>; any failure is a <see cref="ProviderAnswer.Failed"/> with a
/// detail that names no token.
/// </summary>
internal sealed class ExternalProviderClient(IHttpClientFactory http, ILogger<ExternalProviderClient> logger)
{
    public const string HttpClientName = "Baton.External";
    private const int MaxSubjectLength = 255;
    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _discovery = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>The authorization endpoint: configured (OAuth 2.0) or from the discovery document (OIDC).</summary>
    public async Task<string?> AuthorizationEndpointAsync(ExternalProvider provider, CancellationToken cancellationToken)
    {
        if (provider.Protocol == ExternalProtocol.OAuth2)
        {
            return provider.AuthorizationEndpoint;
        }

        return (await DiscoverAsync(provider, cancellationToken))?.AuthorizationEndpoint;
    }

    public async Task<ProviderAnswer> SignInAsync(ExternalProvider provider, string code, string redirectUri, ExternalFlow flow, CancellationToken cancellationToken)
    {
        try
        {
            var configuration = provider.Protocol == ExternalProtocol.Oidc ? await DiscoverAsync(provider, cancellationToken) : null;
            if (provider.Protocol == ExternalProtocol.Oidc && configuration is null)
            {
                return ProviderAnswer.Failed("The provider's discovery document could not be read.");
            }

            var tokenEndpoint = configuration?.TokenEndpoint ?? provider.TokenEndpoint;
            if (tokenEndpoint is null)
            {
                return ProviderAnswer.Failed("The provider names no token endpoint.");
            }

            using var tokens = await PostTokenRequestAsync(provider, tokenEndpoint, code, redirectUri, flow.Verifier, cancellationToken);
            if (tokens is null)
            {
                return ProviderAnswer.Failed("The token endpoint refused the code or answered something that is not a token response.");
            }

            if (configuration is not null)
            {
                return await ProfileFromIdTokenAsync(provider, configuration, tokens.RootElement, flow.Nonce, cancellationToken);
            }

            if (String(tokens.RootElement, "access_token") is not { Length: > 0 } accessToken)
            {
                return ProviderAnswer.Failed("The token response holds no access_token.");
            }

            using var profile = await GetProfileAsync(provider, accessToken, cancellationToken);
            return profile is null
                ? ProviderAnswer.Failed("The profile endpoint failed or answered something that is not a JSON object.")
                : Profile(provider, profile.RootElement);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            Log.ProviderCallFailed(logger, provider.Name, e.GetType().Name);
            return ProviderAnswer.Failed(e is TaskCanceledException ? "The provider did not answer in time." : "The provider could not be reached or answered garbage.");
        }
    }

    private async Task<JsonDocument?> PostTokenRequestAsync(ExternalProvider provider, string endpoint, string code, string redirectUri, string verifier, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri),
            new("code_verifier", verifier),
            new("client_id", provider.ClientId),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        if (provider.ClientSecretBasic)
        {
            // RFC 6749 §2.3.1: each part form-encoded before the Basic encoding.
            var credentials = Uri.EscapeDataString(provider.ClientId) + ":" + Uri.EscapeDataString(provider.ClientSecret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }
        else
        {
            form.Add(new("client_secret", provider.ClientSecret));
        }

        request.Content = new FormUrlEncodedContent(form);
        return await SendForJsonAsync(request, cancellationToken);
    }

    private async Task<JsonDocument?> GetProfileAsync(ExternalProvider provider, string accessToken, CancellationToken cancellationToken)
    {
        var endpoint = provider.UserInfoEndpoint!;
        if (provider.UserInfoTokenInQuery)
        {
            endpoint += (endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "access_token=" + Uri.EscapeDataString(accessToken);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        if (!provider.UserInfoTokenInQuery)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return await SendForJsonAsync(request, cancellationToken);
    }

    /// <summary>A JSON object from a 2xx answer, or null.</summary>
    private async Task<JsonDocument?> SendForJsonAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken), new JsonDocumentOptions { MaxDepth = 16 });
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return null;
        }

        return document;
    }

    private async Task<ProviderAnswer> ProfileFromIdTokenAsync(ExternalProvider provider, OpenIdConnectConfiguration configuration, JsonElement tokens, string? nonce, CancellationToken cancellationToken)
    {
        if (String(tokens, "id_token") is not { Length: > 0 } idToken)
        {
            return ProviderAnswer.Failed("The token response holds no id_token.");
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = provider.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512, SecurityAlgorithms.RsaSsaPssSha256,
                SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512],
        };
        var result = await _handler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid)
        {
            Log.IdTokenRefused(logger, provider.Name, result.Exception?.GetType().Name ?? "invalid");
            return ProviderAnswer.Failed("The id_token is not valid (signature, issuer, audience or lifetime).");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var claims = result.Claims;
        if (nonce is null || !claims.TryGetValue("nonce", out var got) || got is not string gotNonce
            || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(gotNonce), Encoding.UTF8.GetBytes(nonce)))
        {
            return ProviderAnswer.Failed("The id_token's nonce is not this sign-in's.");
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(((JsonWebToken)result.SecurityToken).EncodedPayload));
        return Profile(provider, payload.RootElement);
    }

    private static ProviderAnswer Profile(ExternalProvider provider, JsonElement profile)
    {
        var subject = String(profile, provider.SubjectClaim);
        if (subject is null || subject.Length is 0 or > MaxSubjectLength || UsernameRules.HasControlOrFormat(subject))
        {
            return ProviderAnswer.Failed($"The profile has no usable subject ('{provider.SubjectClaim}').");
        }

        return new ProviderAnswer(new ExternalProfile(subject, Short(String(profile, provider.UsernameClaim)), Short(String(profile, provider.EmailClaim))), null);
    }

    private static string? Short(string? value) => value is null || value.Length > 256 || UsernameRules.HasControlOrFormat(value) ? null : value;

    /// <summary>A string or number member (GitHub's and gitee's ids are numbers), as text.</summary>
    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private async Task<OpenIdConnectConfiguration?> DiscoverAsync(ExternalProvider provider, CancellationToken cancellationToken)
    {
        var manager = _discovery.GetOrAdd(provider.Name, _ => new ConfigurationManager<OpenIdConnectConfiguration>(
            provider.MetadataAddress,
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(http.CreateClient(HttpClientName)) { RequireHttps = provider.RequireHttps }));
        try
        {
            var configuration = await manager.GetConfigurationAsync(cancellationToken);

            // OpenID Connect Discovery §4.3: the document's issuer must be the one it was fetched for.
            return string.Equals(configuration.Issuer?.TrimEnd('/'), provider.Authority!.TrimEnd('/'), StringComparison.Ordinal) ? configuration : null;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.ProviderCallFailed(logger, provider.Name, e.GetType().Name);
            return null;
        }
    }
}
