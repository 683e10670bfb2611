using System.Collections.Frozen;
using Baton.Api.Options;
using Microsoft.Extensions.Options;

namespace Baton.Api.External;

/// <summary>The configured providers with their presets applied, and the <c>return_to</c> allow-list.</summary>
internal sealed class ExternalProviders(IOptions<ExternalOptions> options)
{
    private readonly FrozenDictionary<string, ExternalProvider> _providers = options.Value.Providers
        .Select(p => ExternalProvider.From(p.Key, p.Value))
        .OfType<ExternalProvider>()
        .ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);

    public ExternalOptions Options => options.Value;

    /// <summary>The enabled providers, by name.</summary>
    public IEnumerable<ExternalProvider> Enabled => _providers.Values.Where(p => p.Enabled).OrderBy(p => p.Name, StringComparer.Ordinal);

    /// <summary>The provider of that name, or the code that says why there is none to use.</summary>
    public (ExternalProvider? Provider, ErrorCode? Error) Find(string name) =>
        !_providers.TryGetValue(name, out var provider) ? (null, ErrorCode.UnknownProvider)
        : !provider.Enabled ? (null, ErrorCode.ProviderDisabled)
        : (provider, null);

    /// <summary>
    /// <paramref name="returnTo"/> when it is allowed (the first allowed URL when it is null): an
    /// absolute http(s) URL with an allowed URL's scheme, host and port and a path at or below its path.
    /// </summary>
    public string? AllowedReturnTo(string? returnTo)
    {
        var allowed = options.Value.ReturnUrls;
        if (returnTo is null)
        {
            return allowed.Count > 0 ? allowed[0] : null;
        }

        if (returnTo.Length > 2048 || !Uri.TryCreate(returnTo, UriKind.Absolute, out var target) || target.Scheme is not ("https" or "http")
            || target.UserInfo.Length > 0 || target.Fragment.Length > 0)
        {
            return null;
        }

        foreach (var entry in allowed)
        {
            var root = new Uri(entry);
            var path = root.AbsolutePath.EndsWith('/') ? root.AbsolutePath : root.AbsolutePath + "/";
            if (string.Equals(root.Scheme, target.Scheme, StringComparison.Ordinal)
                && string.Equals(root.IdnHost, target.IdnHost, StringComparison.OrdinalIgnoreCase)
                && root.Port == target.Port
                && (string.Equals(target.AbsolutePath, root.AbsolutePath, StringComparison.Ordinal) || target.AbsolutePath.StartsWith(path, StringComparison.Ordinal)))
            {
                return target.AbsoluteUri;
            }
        }

        return null;
    }

    /// <summary>The callback URL the provider sends the browser back to (the registered <c>redirect_uri</c>).</summary>
    public string RedirectUri(HttpRequest request, string provider)
    {
        var origin = options.Value.PublicUrl?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
        return $"{origin}/v1/auth/external/{provider}/callback";
    }
}
