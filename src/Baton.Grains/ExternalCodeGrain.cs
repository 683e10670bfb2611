using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Grains;

/// <summary>
/// A one-time sign-in code (key = its SHA-256): stored until redeemed or expired, and then deleted
/// from storage (a code nobody redeems must not stay in Redis for good). The activation stays alive
/// until the code expires, to delete it then.
/// </summary>
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
        var left = expiresAt - time.GetUtcNow();
        this.RegisterGrainTimer(ExpireAsync, new GrainTimerCreationOptions(left > TimeSpan.Zero ? left : TimeSpan.Zero, ExpiryCheck) { KeepAlive = true });
    }

    /// <summary>How often an expiry that came due is checked again (the grains' clock may be behind Orleans' own).</summary>
    internal static readonly TimeSpan ExpiryCheck = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public async Task<PendingSignIn?> RedeemAsync()
    {
        if (state.State is not { SignIn: { } signIn, ExpiresAt: var expiresAt })
        {
            return null;
        }

        // Deleted (ETag'd) before it is answered: of two redemptions, even on two activations, one
        // wins. An expired code is deleted the same way and answers like a used one.
        await state.ClearAsync(this, logger);
        state.State = new ExternalCodeState();
        return time.GetUtcNow() < expiresAt ? signIn : null;
    }

    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        if (state.State is not { SignIn: not null, ExpiresAt: var expiresAt })
        {
            DeactivateOnIdle(); // redeemed meanwhile: nothing left to do
            return;
        }

        if (time.GetUtcNow() >= expiresAt)
        {
            await state.ClearAsync(this, logger);
            state.State = new ExternalCodeState();
            DeactivateOnIdle();
        }
    }
}
