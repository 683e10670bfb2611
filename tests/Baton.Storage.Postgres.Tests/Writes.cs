using Baton.Core;
using Baton.Core.Engine;
using Baton.Core.Ledgers;

namespace Baton.Storage.Postgres.Tests;

/// <summary>Ledger writes as the engine makes them, for tests that drive a store directly.</summary>
internal static class Writes
{
    public static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    public static readonly SessionPolicy Policy = new() { MaxSessionsPerUser = 5 };

    public static LedgerWrite Login(Ledger ledger, string sessionId) =>
        WriteOf(ledger, new StartSession(sessionId, new Device("dev-" + sessionId, "web", null), sessionId + "-rt1", ClientInfo.None), Now);

    /// <summary>Rotates <paramref name="sessionId"/>'s refresh token from <paramref name="jti"/> to <paramref name="nextJti"/>, <paramref name="at"/> a time.</summary>
    public static LedgerWrite Refresh(Ledger ledger, string sessionId, string jti, string nextJti, DateTimeOffset at) =>
        WriteOf(ledger, new RefreshSession(sessionId, jti, nextJti, ClientInfo.None), at);

    /// <summary>Ends every active session of <paramref name="ledger"/> with <paramref name="reason"/>.</summary>
    public static LedgerWrite EndAll(Ledger ledger, EndReason reason) =>
        WriteOf(ledger, new EndAllSessions(reason), Now);

    private static LedgerWrite WriteOf<TOutcome>(Ledger ledger, LedgerCommand<TOutcome> command, DateTimeOffset at)
    {
        var change = command.Apply(ledger, at, Policy);
        return LedgerWrite.Of(ledger, change.Ledger, change.Events, new AuditContext(ClientInfo.None, "test", at), Policy);
    }
}
