using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// The external identities linked to one user (key = user id), and the one place that links and
/// unlinks them: a turn of this grain claims or releases the identity's own grain
/// (<see cref="IExternalIdentityGrain"/>), so "the last way to sign in cannot be unlinked" is decided
/// serially per user. Its changes are audited through an outbox in its state.
/// </summary>
[Alias("Baton.IUserIdentitiesGrain")]
public interface IUserIdentitiesGrain : IGrainWithStringKey
{
    /// <summary>The linked identities; never writes.</summary>
    [ReadOnly]
    [Alias("List")]
    Task<ImmutableArray<ExternalIdentity>> ListAsync();

    /// <summary>
    /// Links <paramref name="identity"/> (claiming its grain first, then listing it here); linking an
    /// identity already listed refreshes its username and email. <paramref name="replacing"/>: a
    /// user id the identity may be taken from (its account is gone).
    /// </summary>
    [Alias("Link")]
    Task<LinkResult> LinkAsync(ExternalIdentity identity, string? replacing, ClientDetails client);

    /// <summary>
    /// Unlinks this user's identity of <paramref name="provider"/> unless it is the last way to sign
    /// in: no other identity and <paramref name="hasPassword"/> false.
    /// </summary>
    [Alias("Unlink")]
    Task<UnlinkStatus> UnlinkAsync(string provider, bool hasPassword, ClientDetails client);

    /// <summary>Audits a session started by a sign-in through <paramref name="provider"/>.</summary>
    [Alias("RecordSignIn")]
    Task RecordSignInAsync(string provider, string sessionId, ClientDetails client);
}
