namespace Baton.Core.Ledgers;

/// <summary>Bounds every ledger keeps whatever its policy says, so one account's state stays small.</summary>
public static class LedgerLimits
{
    /// <summary>
    /// Most ended sessions a ledger holds while they are inside <see cref="SessionPolicy.RepeatedCallWindow"/>;
    /// beyond it the oldest go even if a repeat of their login could still come.
    /// </summary>
    public const int MaxEndedSessionsHeld = 256;
}
