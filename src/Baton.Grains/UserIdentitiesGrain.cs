using System.Collections.Immutable;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Grains;

/// <summary>
/// The identities linked to one user (key = user id). Linking claims the identity's grain first and
/// lists it here second; a crash between the two leaves an identity that signs the user in without
/// being listed, which the next sign-in lists (<see cref="LinkAsync"/> is idempotent). Unlinking
/// releases the identity's grain first, so a crash never leaves an unlinked identity able to sign
/// in. Only this grain calls <see cref="IExternalIdentityGrain"/>, which calls nothing: no cycles.
/// </summary>
public sealed class UserIdentitiesGrain(
    [PersistentState("identities", "accounts")] IPersistentState<UserIdentitiesState> state,
    IEventLog eventLog,
    [FromKeyedServices(BatonGrainsSiloBuilderExtensions.ClockKey)] TimeProvider time,
    ILogger<UserIdentitiesGrain> logger) : Grain, IUserIdentitiesGrain
{
    private bool _delivered;

    private string UserId => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken) => DeliverAsync(cancellationToken);

    /// <inheritdoc />
    public Task<ImmutableArray<ExternalIdentity>> ListAsync() => Task.FromResult(state.State.Identities);

    /// <inheritdoc />
    public async Task<LinkResult> LinkAsync(ExternalIdentity identity, string? replacing, ClientDetails client)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var identities = state.State.Identities;
        var listed = identities.FirstOrDefault(i => Same(i.Provider, identity.Provider));
        if (listed is not null && !Same(listed.Subject, identity.Subject))
        {
            return new LinkResult(LinkStatus.ProviderAlreadyLinked);
        }

        var owner = await GrainFactory.GetGrain<IExternalIdentityGrain>(ExternalIdentityKey.Of(identity.Provider, identity.Subject)).ClaimAsync(UserId, replacing);
        if (!Same(owner, UserId))
        {
            return new LinkResult(LinkStatus.TakenByAnother, owner);
        }

        if (listed is not null && listed.Username == identity.Username && listed.Email == identity.Email)
        {
            return new LinkResult(LinkStatus.Linked);
        }

        var next = listed is null
            ? identities.Add(identity)
            : identities.Replace(listed, listed with { Username = identity.Username, Email = identity.Email });
        await CommitAsync(next, listed is null ? LedgerEventKind.IdentityLinked : null, "", client);
        return new LinkResult(LinkStatus.Linked);
    }

    /// <inheritdoc />
    public async Task<UnlinkStatus> UnlinkAsync(string provider, bool hasPassword, ClientDetails client)
    {
        var identities = state.State.Identities;
        if (identities.FirstOrDefault(i => Same(i.Provider, provider)) is not { } listed)
        {
            return UnlinkStatus.NotLinked;
        }

        if (!hasPassword && identities.Length == 1)
        {
            return UnlinkStatus.LastSignInMethod;
        }

        await GrainFactory.GetGrain<IExternalIdentityGrain>(ExternalIdentityKey.Of(listed.Provider, listed.Subject)).ReleaseAsync(UserId);
        await CommitAsync(identities.Remove(listed), LedgerEventKind.IdentityUnlinked, "", client);
        return UnlinkStatus.Unlinked;
    }

    /// <inheritdoc />
    public Task RecordSignInAsync(string provider, string sessionId, ClientDetails client) =>
        CommitAsync(state.State.Identities, LedgerEventKind.ExternalSignIn, sessionId, client);

    private async Task CommitAsync(ImmutableArray<ExternalIdentity> identities, LedgerEventKind? kind, string sessionId, ClientDetails client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var version = state.State.Version + 1;
        var outbox = kind is { } k
            ? ImmutableArray.Create(new LoggedEvent(
                $"{UserId}:identities:{version}",
                this.GetGrainId().ToString(),
                LoggedEvent.SequenceOf(version, 0),
                new AuditEntry(UserId, k, sessionId, 0, null, client.IpAddress, client.UserAgent, RuntimeIdentity, time.GetUtcNow())))
            : [];

        // An outbox not yet delivered stays: the next delivery sends both.
        if (!_delivered)
        {
            outbox = state.State.Outbox.AddRange(outbox);
        }

        await state.CommitAsync(new UserIdentitiesState(identities, version, outbox), this, logger);
        _delivered = outbox.IsEmpty;
        await DeliverAsync(CancellationToken.None);
    }

    /// <summary>Appends the outbox; a failure leaves it for the next write or activation (an audit event may come late, never lost).</summary>
    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        if (_delivered || state.State.Outbox.IsEmpty)
        {
            _delivered = true;
            return;
        }

        try
        {
            await eventLog.AppendAsync(state.State.Outbox, cancellationToken);
            _delivered = true;
        }
#pragma warning disable CA1031 // The change is committed; any failure of the log only delays delivery.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.EventLogAppendFailed(logger, UserId, state.State.Outbox.Length, e);
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.Ordinal);
}
