using System.Security.Claims;

namespace Baton.Api.Auth;

/// <summary>Claim types on Baton principals, and reading them back.</summary>
internal static class BatonClaims
{
    public const string Subject = "sub";
    public const string SessionId = "sid";
    public const string Role = "role";
    public const string Scope = "scope";

    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Subject) ?? throw new InvalidOperationException("The principal has no sub claim.");

    public static string SessionIdOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(SessionId) ?? throw new InvalidOperationException("The principal has no sid claim.");

    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.HasClaim(Scope, scope);
}
