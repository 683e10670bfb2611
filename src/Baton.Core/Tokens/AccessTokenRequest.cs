using System.Collections.Immutable;

namespace Baton.Core.Tokens;

/// <summary>What an access token says: whose it is, which session, which roles.</summary>
/// <param name="UserId">The <c>sub</c> claim.</param>
/// <param name="SessionId">The <c>sid</c> claim: the ledger session the token belongs to.</param>
/// <param name="Roles">The <c>roles</c> claim.</param>
public sealed record AccessTokenRequest(string UserId, string SessionId, ImmutableArray<string> Roles)
{
    /// <summary>The <c>preferred_username</c> claim, so a resource server (and <c>GET /v1/me</c>) needs no lookup; null for none.</summary>
    public string? Username { get; init; }
}
