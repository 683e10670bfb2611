using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Grains;

/// <summary>A one-time sign-in code (key = its SHA-256): stored until redeemed, deleted by the redemption.</summary>
public sealed class ExternalCodeGrain(
    [PersistentState("code", "accounts")] IPersistentState<ExternalCodeState> state,
    [FromKeyedServices(BatonGrainsSiloBuilderExtensions.ClockKey)] TimeProvider time,
    ILogger<ExternalCodeGrain> logger) : Grain, IExternalCodeGrain
{
    /// <inheritdoc />
    public async Task IssueAsync(PendingSignIn signIn, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        if (state.State.SignIn is not null)
        {
            // 256 random bits do not collide; a second issue under one key is a bug.
            throw new InvalidOperationException("A sign-in code was issued twice.");
        }

        await state.CommitAsync(new ExternalCodeState(signIn, expiresAt), this, logger);
    }

    /// <inheritdoc />
    public async Task<PendingSignIn?> RedeemAsync()
    {
        if (state.State is not { SignIn: { } signIn, ExpiresAt: var expiresAt })
        {
            return null;
        }

        // Written (ETag'd) before it is answered: of two redemptions, even on two activations, one
        // wins. An expired code is deleted the same way and answers like a used one.
        await state.CommitAsync(new ExternalCodeState(), this, logger);
        return time.GetUtcNow() < expiresAt ? signIn : null;
    }
}
