using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

/// <summary>
/// A command is a pure function of (ledger, now, policy): the engine re-applies it after losing a
/// compare-and-swap race and must get the same change, and no clock may leak in.
/// </summary>
public class LedgerDeterminismTests
{
    private static readonly SessionPolicy Policy = new()
    {
        MaxSessionsPerUser = 4,
        MaxSessionsPerDeviceType = { ["web"] = 2 },
        EndedSessionRetention = TimeSpan.FromDays(1),
    };

    private static readonly DateTimeOffset Now = T0 + TimeSpan.FromDays(7) + TimeSpan.FromHours(2) + TimeSpan.FromSeconds(2);

    /// <summary>
    /// At <see cref="Now"/>: a (web) is active and was rotated 5 s ago (a-rt2 → a-rt3); b (mobile)
    /// ended 1 day and 1 s ago, so it is due to be pruned; c (web) idled out 2 s ago and is not swept
    /// yet; d is active on a phone. Every command therefore also has housekeeping to do.
    /// </summary>
    private static Ledger Scenario() => Empty
        .Then(Login("a", Web("laptop")), T0, Policy)
        .Then(Login("b", Mobile("tablet")), T0 + TimeSpan.FromHours(1), Policy)
        .Then(Login("c", Web("kiosk")), T0 + TimeSpan.FromHours(2), Policy)
        .Then(Refresh("a", "a-rt1", "a-rt2"), T0 + TimeSpan.FromDays(5), Policy)
        .Then(Login("d", Mobile("phone")), T0 + TimeSpan.FromDays(6), Policy)
        .Then(new EndSession("b", EndReason.Logout), T0 + TimeSpan.FromDays(6) + TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1), Policy)
        .Then(Refresh("a", "a-rt2", "a-rt3"), Now - TimeSpan.FromSeconds(5), Policy)
        with { Version = 9 };

    [Fact]
    public void Scenario_AtNow_HasExpiredUnsweptAndPrunableSessions()
    {
        var ledger = Scenario();

        Assert.Equal(["a", "b", "c", "d"], ledger.Sessions.Select(s => s.Id));
        Assert.Equal(["a", "c", "d"], ledger.ActiveSessions.Select(s => s.Id));
        Assert.True(ledger.Get("c").IsExpiredAt(Now));
        Assert.True(ledger.Get("b").EndedAt + Policy.EndedSessionRetention <= Now);
        Assert.Equal(Now - TimeSpan.FromSeconds(5), ledger.Get("a").RotatedAt);
    }

    public static TheoryData<string> Commands =>
    [
        "login-new-device", "login-same-device", "refresh-current", "refresh-predecessor", "refresh-reused",
        "refresh-expired", "refresh-unknown", "end-one", "end-all", "end-all-except", "sweep",
    ];

    private static Func<Ledger, string> Command(string name) => name switch
    {
        "login-new-device" => l => Describe(Login("e", Web("desktop")).Apply(l, Now, Policy)),
        "login-same-device" => l => Describe(Login("e", Mobile("phone")).Apply(l, Now, Policy)),
        "refresh-current" => l => Describe(Refresh("a", "a-rt3", "a-rt4").Apply(l, Now, Policy)),
        "refresh-predecessor" => l => Describe(Refresh("a", "a-rt2", "a-rt4").Apply(l, Now, Policy)),
        "refresh-reused" => l => Describe(Refresh("a", "a-rt1", "a-rt4").Apply(l, Now, Policy)),
        "refresh-expired" => l => Describe(Refresh("c", "c-rt1", "c-rt2").Apply(l, Now, Policy)),
        "refresh-unknown" => l => Describe(Refresh("zzz", "z-rt1", "z-rt2").Apply(l, Now, Policy)),
        "end-one" => l => Describe(new EndSession("d", EndReason.Revoked).Apply(l, Now, Policy)),
        "end-all" => l => Describe(new EndAllSessions(EndReason.Kicked).Apply(l, Now, Policy)),
        "end-all-except" => l => Describe(new EndAllSessions(EndReason.PasswordChanged, "a").Apply(l, Now, Policy)),
        "sweep" => l => Describe(new SweepSessions().Apply(l, Now, Policy)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string Describe<T>(LedgerChange<T> change)
    {
        var outcome = change.Outcome switch
        {
            StartSessionOutcome o => $"start {Json(o.Session)} replaced [{string.Join(",", o.Replaced.Select(Json))}]",
            RefreshOutcome o => $"refresh {o.Status} {Json(o.Session)}",
            EndSessionOutcome o => $"end {o.Status} {Json(o.Session)}",
            EndAllSessionsOutcome o => $"end-all [{string.Join(",", o.Ended.Select(Json))}]",
            SweepSessionsOutcome o => o.ToString(),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        return $"changed={change.Changed}\nevents={string.Join(";", change.Events)}\nledger={Json(change.Ledger)}\noutcome={outcome}";
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Apply_SameCommandTwiceOnSameLedger_GivesEqualChanges(string name)
    {
        var ledger = Scenario();
        var apply = Command(name);

        var first = apply(ledger);
        var second = apply(ledger);

        Assert.Equal(first, second);
        // Every scenario does real work at Now (c idles out and b is pruned), so equal means equal work.
        Assert.StartsWith("changed=True", first, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Apply_AnyCommand_LeavesInputLedgerUntouched(string name)
    {
        var ledger = Scenario();
        var before = Json(ledger);

        Command(name)(ledger);

        Assert.Equal(before, Json(ledger));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Apply_EqualLedgerFromStoredDocument_GivesEqualChange(string name)
    {
        var ledger = Scenario();
        var reloaded = LedgerSerializer.Deserialize(ledger.UserId, ledger.Version, LedgerSerializer.Serialize(ledger));

        Assert.Equal(Command(name)(ledger), Command(name)(reloaded));
    }

    [Fact]
    public void Apply_NowDecadesInThePast_JudgesExpiryByNowArgument()
    {
        var policy = new SessionPolicy { RefreshIdleLifetime = TimeSpan.FromMinutes(5) };
        var login = new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ledger = Empty.Then(Login("a"), login, policy);

        var change = ledger.Run(Refresh("a", "a-rt1", "a-rt2"), login + TimeSpan.FromMinutes(4), policy);

        Assert.Equal(RefreshStatus.Rotated, change.Outcome.Status);
        Assert.Equal(login + TimeSpan.FromMinutes(9), change.Outcome.Session!.IdleExpiresAt);
    }

    [Fact]
    public void Apply_NowCenturiesAhead_StampsEveryTimeFromNowArgument()
    {
        var now = new DateTimeOffset(2190, 7, 1, 12, 0, 0, TimeSpan.Zero);
        var policy = new SessionPolicy();

        var ledger = Empty.Then(Login("a"), now, policy).Then(Refresh("a", "a-rt1", "a-rt2"), now + TimeSpan.FromSeconds(1), policy);
        var ended = ledger.Run(new EndSession("a", EndReason.Logout), now + TimeSpan.FromSeconds(2), policy).Ledger.Get("a");

        Assert.Equal(now, ended.CreatedAt);
        Assert.Equal(now + TimeSpan.FromSeconds(1), ended.RotatedAt);
        Assert.Equal(now + TimeSpan.FromSeconds(1), ended.LastRefreshedAt);
        Assert.Equal(now + TimeSpan.FromSeconds(2), ended.EndedAt);
    }

    [Fact]
    public void Apply_NullLedgerOrPolicy_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new SweepSessions().Apply(null!, Now, Policy));
        Assert.Throws<ArgumentNullException>(() => new SweepSessions().Apply(Empty, Now, null!));
    }
}
