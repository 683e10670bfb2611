using Baton.Core.Storage;
using Baton.Core.Tokens;
using Baton.Grains;
using Baton.Api.Sessions;

namespace Baton.Api.Hosting;

/// <summary>
/// The key ring's persistence for <see cref="SigningKeys"/>: the one <see cref="IKeyRingGrain"/>,
/// which applies every change in turn, so fronts that start or rotate together converge on one ring.
/// Keys reach it already protected with the master key; an outage is a <see cref="StoreUnavailableException"/>.
/// </summary>
internal sealed class KeyRingStore(IGrainFactory grains) : ISigningKeyStore
{
    private IKeyRingGrain Ring => grains.GetGrain<IKeyRingGrain>(IKeyRingGrain.DefaultKey);

    public async Task<IReadOnlyList<SigningKeyMaterial>> LoadKeysAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keys = await GrainFailures.AsStoreFailureAsync(Ring.GetKeysAsync);
        return [.. keys.Select(k => k.ToMaterial())];
    }

    public Task<bool> TryAddKeyAsync(SigningKeyMaterial key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var details = KeyDetails.From(key);
        return GrainFailures.AsStoreFailureAsync(() => Ring.TryAddKeyAsync(details));
    }

    public Task<bool> RetireKeyAsync(string kid, DateTimeOffset retiresAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return GrainFailures.AsStoreFailureAsync(() => Ring.RetireKeyAsync(kid, retiresAt));
    }

    public Task<int> DeleteRetiredKeysAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return GrainFailures.AsStoreFailureAsync(() => Ring.DeleteRetiredKeysAsync(before));
    }
}
