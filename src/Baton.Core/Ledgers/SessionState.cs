namespace Baton.Core.Ledgers;

/// <summary>The life cycle of a session: it starts active and ends exactly once.</summary>
public enum SessionState
{
    /// <summary>Its current refresh token can be rotated and its access tokens are accepted.</summary>
    Active,
    /// <summary>Ended for a recorded <see cref="EndReason"/>; kept for a while so its tokens get that reason.</summary>
    Ended,
}
