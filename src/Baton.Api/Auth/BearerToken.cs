using System.Diagnostics.CodeAnalysis;

namespace Baton.Api.Auth;

/// <summary>Reads the RFC 6750 <c>Authorization: Bearer</c> header, and nothing else (never a query string).</summary>
internal static class BearerToken
{
    private const string Prefix = "Bearer ";

    public static bool TryRead(HttpRequest request, [NotNullWhen(true)] out string? token)
    {
        token = null;
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = header[Prefix.Length..].Trim();
        return true;
    }
}
