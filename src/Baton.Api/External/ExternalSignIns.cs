using System.Collections.Immutable;
using Baton.Api.Accounts;
using Baton.Api.Sessions;
using Baton.Core;
using Baton.Core.Ledgers;
using Baton.Core.Users;
using Baton.Grains;

namespace Baton.Api.External;

/// <summary>
/// From an external identity (provider + subject, never an email) to a Baton user, through the
/// identity's grain (<see cref="IExternalIdentityGrain"/>); linking and unlinking go through the
/// user's <see cref="IUserIdentitiesGrain"/>. A grain that cannot be reached surfaces as
/// <see cref="Core.Storage.StoreUnavailableException"/> (503).
/// </summary>
internal sealed class ExternalSignIns(IGrainFactory grains, AccountService accounts, TimeProvider time)
{
    /// <summary>
    /// The user the identity signs in: the linked one, or on a first sign-in a new account when the
    /// provider creates users (otherwise <see cref="ErrorCode.IdentityNotLinked"/>).
    /// </summary>
    public async Task<(UserAccount? User, ErrorCode? Error)> ResolveAsync(ExternalProvider provider, ExternalProfile profile, ClientInfo client, CancellationToken cancellationToken)
    {
        var identity = Identity(provider, profile);
        var owner = await CallAsync(grains.GetGrain<IExternalIdentityGrain>(ExternalIdentityKey.Of(provider.Name, profile.Subject)).GetUserAsync, cancellationToken);
        if (owner is not null)
        {
            if (await accounts.FindAsync(owner, cancellationToken) is { } linked)
            {
                // Lists it should a crash have come between the claim and the listing, and keeps the username and email current.
                await LinkAsync(linked.Id, identity, null, client, cancellationToken);
                return (linked, null);
            }
        }

        if (!provider.CreateUsers)
        {
            return (null, ErrorCode.IdentityNotLinked);
        }

        var user = await accounts.CreateExternalAsync(Usernames(provider, profile), cancellationToken);
        if (user is null)
        {
            return (null, ErrorCode.Unavailable);
        }

        // The identity may have been taken from an account that is gone (owner above); a sign-in
        // racing this one may have claimed it first, and then the new account gives way to it.
        var linkedNow = await LinkAsync(user.Id, identity, owner, client, cancellationToken);
        if (linkedNow.Status == LinkStatus.Linked)
        {
            return (user, null);
        }

        await accounts.DeleteAsync(user.Id, cancellationToken);
        return linkedNow is { Status: LinkStatus.TakenByAnother, Owner: { } winner } && await accounts.FindAsync(winner, cancellationToken) is { } other
            ? (other, null)
            : (null, ErrorCode.Unavailable);
    }

    /// <summary>Links the identity to a signed-in user.</summary>
    public Task<LinkResult> LinkAsync(string userId, ExternalProvider provider, ExternalProfile profile, ClientInfo client, CancellationToken cancellationToken) =>
        LinkAsync(userId, Identity(provider, profile), null, client, cancellationToken);

    public async Task<UnlinkStatus> UnlinkAsync(string userId, string provider, bool hasPassword, ClientInfo client, CancellationToken cancellationToken) =>
        await CallAsync(() => Identities(userId).UnlinkAsync(provider, hasPassword, ClientDetails.From(client)), cancellationToken);

    public Task<ImmutableArray<ExternalIdentity>> ListAsync(string userId, CancellationToken cancellationToken) =>
        CallAsync(Identities(userId).ListAsync, cancellationToken);

    /// <summary>Audits the session an external sign-in started.</summary>
    public Task RecordSignInAsync(string userId, string provider, string sessionId, ClientInfo client, CancellationToken cancellationToken) =>
        CallAsync(async () => { await Identities(userId).RecordSignInAsync(provider, sessionId, ClientDetails.From(client)); return true; }, cancellationToken);

    private Task<LinkResult> LinkAsync(string userId, ExternalIdentity identity, string? replacing, ClientInfo client, CancellationToken cancellationToken) =>
        CallAsync(() => Identities(userId).LinkAsync(identity, replacing, ClientDetails.From(client)), cancellationToken);

    private ExternalIdentity Identity(ExternalProvider provider, ExternalProfile profile) =>
        new(provider.Name, profile.Subject, profile.Username, profile.Email, time.GetUtcNow());

    /// <summary>The provider's username if free, then that name under the provider's, then a random one.</summary>
    private static IEnumerable<string> Usernames(ExternalProvider provider, ExternalProfile profile)
    {
        if (profile.Username is { } name)
        {
            yield return name;
            yield return provider.Name + "-" + name;
        }

        yield return provider.Name + "-" + RandomIds.New()[..12].ToLowerInvariant();
        yield return provider.Name + "-" + RandomIds.New();
    }

    private IUserIdentitiesGrain Identities(string userId) => grains.GetGrain<IUserIdentitiesGrain>(userId);

    private static Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return GrainFailures.AsStoreFailureAsync(call);
    }
}
