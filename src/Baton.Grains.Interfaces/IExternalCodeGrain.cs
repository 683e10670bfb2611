namespace Baton.Grains;

/// <summary>
/// A one-time sign-in code handed to a single-page app after an external sign-in (key = the SHA-256
/// of the code, hex, so the code itself is stored nowhere). It lives in grain storage, not in a
/// front's memory, so the app may exchange it at any front; redeeming it deletes it.
/// </summary>
[Alias("Baton.IExternalCodeGrain")]
public interface IExternalCodeGrain : IGrainWithStringKey
{
    /// <summary>Stores the sign-in this code stands for, until <paramref name="expiresAt"/>.</summary>
    [Alias("Issue")]
    Task IssueAsync(PendingSignIn signIn, DateTimeOffset expiresAt);

    /// <summary>The sign-in, once: the state is deleted before it is returned; null when unknown, used or expired.</summary>
    [Alias("Redeem")]
    Task<PendingSignIn?> RedeemAsync();
}
