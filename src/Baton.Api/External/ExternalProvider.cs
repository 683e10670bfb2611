using System.Collections.Immutable;
using Baton.Api.Options;

namespace Baton.Api.External;

/// <summary>The protocol a provider speaks.</summary>
internal enum ExternalProtocol
{
    /// <summary>OAuth 2.0 authorization code with PKCE, then a profile endpoint.</summary>
    OAuth2,

    /// <summary>OpenID Connect: authorization code with PKCE and a nonce, an <c>id_token</c> validated with the provider's JWKS.</summary>
    Oidc,
}

/// <summary>A configured provider with its preset applied (<see cref="From"/>).</summary>
internal sealed record ExternalProvider(
    string Name,
    string DisplayName,
    ExternalProtocol Protocol,
    bool Enabled,
    string ClientId,
    string ClientSecret,
    ImmutableArray<string> Scopes,
    string? AuthorizationEndpoint,
    string? TokenEndpoint,
    string? UserInfoEndpoint,
    string? Authority,
    bool ClientSecretBasic,
    string SubjectClaim,
    string UsernameClaim,
    string EmailClaim,
    bool CreateUsers,
    bool RequireHttps,
    bool UserInfoTokenInQuery)
{
    /// <summary>The discovery document of an OIDC provider.</summary>
    public string MetadataAddress => Authority!.TrimEnd('/') + "/.well-known/openid-configuration";

    /// <summary>
    /// Applies the preset named by <see cref="ExternalProviderOptions.Type"/> (or by the provider's
    /// name) to what is left empty. Null type: unknown (the validator says so).
    /// </summary>
    public static ExternalProvider? From(string name, ExternalProviderOptions o)
    {
        var type = (o.Type ?? (name is "gitee" or "github" or "oidc" ? name : "oauth2")).ToLowerInvariant();
        var preset = type switch
        {
            // Gitee's OAuth 2.0 (https://gitee.com/api/v5/oauth_doc): the browser goes to
            // https://gitee.com/oauth/authorize?client_id&redirect_uri&response_type=code; the code is
            // exchanged by POST https://gitee.com/oauth/token with grant_type=authorization_code, code,
            // client_id, redirect_uri and client_secret in the request (so "post" client authentication);
            // the user is GET https://gitee.com/api/v5/user?access_token=... (API v5, fields id, login,
            // name, email; https://gitee.com/api/v5/swagger#/getV5User). Scope user_info is the profile.
            "gitee" => new Preset(ExternalProtocol.OAuth2, "https://gitee.com/oauth/authorize", "https://gitee.com/oauth/token", "https://gitee.com/api/v5/user",
                ["user_info"], Basic: false, TokenInQuery: true, "Gitee"),
            // GitHub OAuth apps (docs.github.com, "Authorizing OAuth apps"): PKCE S256 is supported; the
            // token endpoint answers JSON when asked with Accept: application/json; GET /user needs a User-Agent.
            "github" => new Preset(ExternalProtocol.OAuth2, "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token", "https://api.github.com/user",
                ["read:user", "user:email"], Basic: false, TokenInQuery: false, "GitHub"),
            "oauth2" => new Preset(ExternalProtocol.OAuth2, null, null, null, [], Basic: true, TokenInQuery: false, null),
            "oidc" => new Preset(ExternalProtocol.Oidc, null, null, null, ["openid", "profile", "email"], Basic: true, TokenInQuery: false, null),
            _ => null,
        };
        if (preset is null)
        {
            return null;
        }

        var oidc = preset.Protocol == ExternalProtocol.Oidc;
        return new ExternalProvider(
            name,
            string.IsNullOrWhiteSpace(o.DisplayName) ? preset.DisplayName ?? name : o.DisplayName.Trim(),
            preset.Protocol,
            o.Enabled,
            o.ClientId ?? "",
            o.ClientSecret ?? "",
            o.Scopes is { Count: > 0 } scopes ? [.. scopes] : preset.Scopes,
            o.AuthorizationEndpoint ?? preset.Authorize,
            o.TokenEndpoint ?? preset.Token,
            o.UserInfoEndpoint ?? preset.User,
            o.Authority,
            o.ClientAuthentication is { } auth ? string.Equals(auth, "basic", StringComparison.OrdinalIgnoreCase) : preset.Basic,
            o.SubjectClaim ?? (oidc ? "sub" : "id"),
            o.UsernameClaim ?? (oidc ? "preferred_username" : "login"),
            o.EmailClaim ?? "email",
            o.CreateUsers,
            o.RequireHttps,
            o.UserInfoTokenInQuery ?? preset.TokenInQuery);
    }

    private sealed record Preset(ExternalProtocol Protocol, string? Authorize, string? Token, string? User, ImmutableArray<string> Scopes, bool Basic, bool TokenInQuery, string? DisplayName);
}
