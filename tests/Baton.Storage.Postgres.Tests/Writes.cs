using Baton.Core.Engine;
using Baton.Core.Ledgers;

namespace Baton.Storage.Postgres.Tests;

internal static class Writes
{
    public static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    public static readonly SessionPolicy Policy = new() { MaxSessionsPerUser = 5 };

    public static LedgerWrite Login(Ledger ledger, string sessionId)
    {
        var change = new StartSession(sessionId, new Device("dev-" + sessionId, "web", null), sessionId + "-rt1", ClientInfo.None).Apply(ledger, Now, Policy);
        var next = change.Ledger with { Version = ledger.Version + 1 };
        return new LedgerWrite(next, ledger.Version, change.Events, new AuditContext(ClientInfo.None, "test", Now), next.ExpiresAt(Policy));
    }

    /// <summary>Rotates <paramref name="sessionId"/>'s refresh token from <paramref name="jti"/> to <paramref name="next"/>, <paramref name="at"/> a time.</summary>
    public static LedgerWrite Refresh(Ledger ledger, string sessionId, string jti, string nextJti, DateTimeOffset at)
    {
        var change = new RefreshSession(sessionId, jti, nextJti, ClientInfo.None).Apply(ledger, at, Policy);
        var next = change.Ledger with { Version = ledger.Version + 1 };
        return new LedgerWrite(next, ledger.Version, change.Events, new AuditContext(ClientInfo.None, "test", at), next.ExpiresAt(Policy));
    }
}
