namespace Baton.Core.Ledgers;

/// <summary>What a login does when the account is at one of its session limits.</summary>
public enum LimitAction
{
    /// <summary>End the oldest session in the way (reason <see cref="EndReason.Replaced"/>) and start the new one.</summary>
    EvictOldest,
    /// <summary>Refuse the new login with <see cref="ErrorCode.SessionLimitReached"/>.</summary>
    RejectNew,
}
