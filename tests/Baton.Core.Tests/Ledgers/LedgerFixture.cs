using Baton.Core.Ledgers;

namespace Baton.Core.Tests.Ledgers;

/// <summary>
/// Fixed times, ids and small builders shared by the ledger tests. <see cref="T0"/> lies far in the
/// past on purpose: a transition that read the wall clock instead of its <c>now</c> argument would
/// see every session of these tests as long expired.
/// </summary>
internal static class LedgerFixture
{
    public const string UserId = "user-1";

    public static readonly DateTimeOffset T0 = new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

    public static Ledger Empty => Ledger.Empty(UserId);

    public static Device Web(string id) => new(id, "web", null);

    public static Device Mobile(string id) => new(id, "mobile", null);

    /// <summary>A login of session <paramref name="sessionId"/> whose first refresh token is <c>{sessionId}-rt1</c>.</summary>
    public static StartSession Login(string sessionId, Device device) =>
        new(sessionId, device, sessionId + "-rt1", ClientInfo.None);

    /// <summary>A login from a web device named after the session (<c>dev-{sessionId}</c>).</summary>
    public static StartSession Login(string sessionId) => Login(sessionId, Web("dev-" + sessionId));

    public static RefreshSession Refresh(string sessionId, string presentedJti, string newJti) =>
        new(sessionId, presentedJti, newJti, ClientInfo.None);

    /// <summary>Applies a command and asserts nothing; returns the change.</summary>
    public static LedgerChange<T> Run<T>(this Ledger ledger, LedgerCommand<T> command, DateTimeOffset now, SessionPolicy policy) =>
        command.Apply(ledger, now, policy);

    /// <summary>Applies a command that must change the ledger, and returns the next ledger.</summary>
    public static Ledger Then<T>(this Ledger ledger, LedgerCommand<T> command, DateTimeOffset now, SessionPolicy policy)
    {
        var change = command.Apply(ledger, now, policy);
        Assert.True(change.Changed, $"{command} was expected to change the ledger.");
        return change.Ledger;
    }

    /// <summary>The session with this id, which must be in the ledger.</summary>
    public static Session Get(this Ledger ledger, string sessionId) =>
        ledger.Find(sessionId) ?? throw new Xunit.Sdk.XunitException($"The ledger holds no session {sessionId}.");

    /// <summary>A ledger with active web sessions logged in one hour apart from <see cref="T0"/> (ids as given, devices <c>dev-{id}</c>).</summary>
    public static Ledger WithLogins(SessionPolicy policy, params string[] sessionIds)
    {
        var ledger = Empty;
        for (var i = 0; i < sessionIds.Length; i++)
        {
            ledger = ledger.Then(Login(sessionIds[i]), T0 + TimeSpan.FromHours(i), policy);
        }

        return ledger;
    }

    /// <summary>The stored document of one session, for comparing sessions field by field across instances.</summary>
    public static string Json(Session? session) =>
        session is null ? "null" : System.Text.Encoding.UTF8.GetString(LedgerSerializer.Serialize(new Ledger(UserId, 0, [session])));

    /// <summary>The stored document of a ledger plus its user and version, for comparing ledgers across instances.</summary>
    public static string Json(Ledger ledger) =>
        $"{ledger.UserId}@{ledger.Version}:{System.Text.Encoding.UTF8.GetString(LedgerSerializer.Serialize(ledger))}";
}
