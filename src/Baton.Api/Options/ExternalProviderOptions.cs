namespace Baton.Api.Options;

/// <summary>One external provider, <c>Baton:External:Providers:{name}</c>. A preset (<see cref="Type"/>) fills in what is left empty.</summary>
public sealed class ExternalProviderOptions
{
    /// <summary>
    /// <c>gitee</c>, <c>github</c> (OAuth 2.0 presets), <c>oauth2</c> (endpoints and claims configured
    /// here) or <c>oidc</c> (OpenID Connect, from <see cref="Authority"/>'s discovery document). Default:
    /// the provider's name when it is one of these, otherwise <c>oauth2</c>.
    /// </summary>
    public string? Type { get; set; }

    /// <summary>The name sign-in pages show ("Sign in with …"); default the preset's (<c>Gitee</c>, <c>GitHub</c>), else the provider's name.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Whether sign-ins through it are accepted. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The client id registered with the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret registered with the provider (never logged).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scopes to ask for; default the preset's (<c>user_info</c> for gitee, <c>read:user user:email</c> for GitHub, <c>openid profile email</c> for OIDC).</summary>
    public List<string>? Scopes { get; set; }

    /// <summary>OAuth 2.0: the authorization endpoint.</summary>
    public string? AuthorizationEndpoint { get; set; }

    /// <summary>OAuth 2.0: the token endpoint.</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>OAuth 2.0: the profile (user-info) endpoint, called with the access token.</summary>
    public string? UserInfoEndpoint { get; set; }

    /// <summary>OIDC: the issuer; its discovery document is <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>How the client authenticates at the token endpoint: <c>basic</c> (HTTP Basic, OIDC's default) or <c>post</c> (in the form, gitee's and GitHub's).</summary>
    public string? ClientAuthentication { get; set; }

    /// <summary>The profile field (OIDC: id_token claim) holding the provider's stable user id. Default <c>id</c> (OAuth 2.0) or <c>sub</c> (OIDC).</summary>
    public string? SubjectClaim { get; set; }

    /// <summary>The profile field holding the username. Default <c>login</c> (OAuth 2.0) or <c>preferred_username</c> (OIDC).</summary>
    public string? UsernameClaim { get; set; }

    /// <summary>The profile field holding the email (shown only; never used to match a user). Default <c>email</c>.</summary>
    public string? EmailClaim { get; set; }

    /// <summary>Whether the first sign-in of an identity linked to nobody creates a Baton user. Default false: it is refused with <c>identity_not_linked</c>.</summary>
    public bool CreateUsers { get; set; }

    /// <summary>Whether the provider's endpoints must be https. Default true; turn off only for a provider on loopback (tests, development).</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>OAuth 2.0: pass the access token to the profile endpoint as the <c>access_token</c> query parameter instead of a Bearer header (gitee's documented form).</summary>
    public bool? UserInfoTokenInQuery { get; set; }
}
