using System.Text.RegularExpressions;
using Baton.Api.Options;
using Baton.Silo;
using Microsoft.Extensions.Options;

namespace Baton.Api.External;

/// <summary>Checks <c>Baton:External</c> at start-up; each message names the setting to fix.</summary>
internal sealed partial class ExternalOptionsValidator(IOptions<BatonClusterOptions> cluster) : OptionsValidator<ExternalOptions>
{
    protected override void Check(ExternalOptions o, Action<bool, string> require)
    {
        const string s = ExternalOptions.SectionName;
        require(o.FlowLifetime >= TimeSpan.FromSeconds(30) && o.FlowLifetime <= TimeSpan.FromHours(1), $"{s}:FlowLifetime must be between 30 seconds and 1 hour.");
        require(o.CodeLifetime >= TimeSpan.FromSeconds(5) && o.CodeLifetime <= TimeSpan.FromMinutes(10), $"{s}:CodeLifetime must be between 5 seconds and 10 minutes.");
        require(o.HttpTimeout >= TimeSpan.FromMilliseconds(100) && o.HttpTimeout <= TimeSpan.FromMinutes(1), $"{s}:HttpTimeout must be between 100 ms and 1 minute.");
        require(o.PublicUrl is null || IsAbsolute(o.PublicUrl, https: false), $"{s}:PublicUrl must be an absolute http(s) URL.");
        foreach (var url in o.ReturnUrls)
        {
            require(IsAbsolute(url, https: false), $"{s}:ReturnUrls: '{url}' must be an absolute http(s) URL.");
        }

        if (o.CookieKey is { } key)
        {
            require(Base64Bytes(key) == 32, $"{s}:CookieKey must be 32 bytes, base64.");
        }

        var enabled = o.Providers.Values.Any(p => p.Enabled);
        require(!enabled || o.ReturnUrls.Count > 0, $"{s}:ReturnUrls must list at least one URL when a provider is enabled.");
        require(!enabled || !cluster.Value.Enabled || o.CookieKey is not null, $"{s}:CookieKey must be set on every front of a cluster (the same key), so a callback may reach any front.");
        foreach (var (name, options) in o.Providers)
        {
            var p = $"{s}:Providers:{name}";
            require(ProviderName().IsMatch(name), $"{p}: the name must be 1-32 lower-case letters, digits or dashes.");
            if (ExternalProvider.From(name, options) is not { } provider)
            {
                require(false, $"{p}:Type must be gitee, github, oauth2 or oidc (was '{options.Type}').");
                continue;
            }

            if (!provider.Enabled)
            {
                continue;
            }

            require(provider.DisplayName.Length <= 64, $"{p}:DisplayName must be at most 64 characters.");
            require(provider.ClientId.Length > 0, $"{p}:ClientId must be set.");
            require(provider.ClientSecret.Length > 0, $"{p}:ClientSecret must be set.");
            if (provider.Protocol == ExternalProtocol.Oidc)
            {
                require(provider.Authority is { } a && IsAbsolute(a, provider.RequireHttps), $"{p}:Authority must be the issuer's absolute {(provider.RequireHttps ? "https" : "http(s)")} URL.");
                require(provider.Scopes.Contains("openid"), $"{p}:Scopes must contain openid.");
            }
            else
            {
                require(provider.AuthorizationEndpoint is { } a && IsAbsolute(a, provider.RequireHttps), $"{p}:AuthorizationEndpoint must be an absolute {(provider.RequireHttps ? "https" : "http(s)")} URL.");
                require(provider.TokenEndpoint is { } t && IsAbsolute(t, provider.RequireHttps), $"{p}:TokenEndpoint must be an absolute {(provider.RequireHttps ? "https" : "http(s)")} URL.");
                require(provider.UserInfoEndpoint is { } u && IsAbsolute(u, provider.RequireHttps), $"{p}:UserInfoEndpoint must be an absolute {(provider.RequireHttps ? "https" : "http(s)")} URL.");
            }
        }
    }

    internal static bool IsAbsolute(string url, bool https) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (!https && uri.Scheme == Uri.UriSchemeHttp));

    private static int Base64Bytes(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) ? written : -1;
    }

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex ProviderName();
}
