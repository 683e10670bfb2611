using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

/// <summary>
/// Invariant I1 (and the bookkeeping it rests on) as a property: a seeded <see cref="Random"/>
/// drives long runs of logins, refreshes with current, previous, old and made-up jtis, logouts,
/// kicks, sweeps and time passing, and every intermediate ledger is checked.
/// </summary>
public class LedgerInvariantTests
{
    private const int Steps = 2_000;

    private static readonly string[] DeviceTypes = ["web", "Web", "mobile", "MOBILE", "desktop", "tv"];
    private static readonly EndReason[] EndReasons = [EndReason.Logout, EndReason.Revoked, EndReason.Kicked, EndReason.PasswordChanged];

    public static TheoryData<string, int> Runs => new()
    {
        { "default", 1 },
        { "default", 2 },
        { "three-evict-web1-mobile1", 3 },
        { "three-evict-web1-mobile1", 4 },
        { "three-reject-web1-mobile2", 5 },
        { "three-reject-web1-mobile2", 6 },
        { "five-evict-short-lived-no-grace", 7 },
        { "two-reject-short-lived-keep-none", 8 },
    };

    private static SessionPolicy PolicyFor(string name) => name switch
    {
        "default" => new SessionPolicy(),
        "three-evict-web1-mobile1" => new SessionPolicy
        {
            MaxSessionsPerUser = 3,
            MaxSessionsPerDeviceType = { ["web"] = 1, ["mobile"] = 1 },
        },
        "three-reject-web1-mobile2" => new SessionPolicy
        {
            MaxSessionsPerUser = 3,
            MaxSessionsPerDeviceType = { ["web"] = 1, ["mobile"] = 2 },
            OnLimit = LimitAction.RejectNew,
        },
        "five-evict-short-lived-no-grace" => new SessionPolicy
        {
            MaxSessionsPerUser = 5,
            MaxSessionsPerDeviceType = { ["desktop"] = 2, ["tv"] = 1 },
            RefreshIdleLifetime = TimeSpan.FromHours(6),
            SessionAbsoluteLifetime = TimeSpan.FromDays(2),
            RefreshReuseGrace = TimeSpan.Zero,
            EndedSessionRetention = TimeSpan.FromHours(1),
            MaxEndedSessionsKept = 3,
        },
        "two-reject-short-lived-keep-none" => new SessionPolicy
        {
            MaxSessionsPerUser = 2,
            OnLimit = LimitAction.RejectNew,
            RefreshIdleLifetime = TimeSpan.FromHours(12),
            SessionAbsoluteLifetime = TimeSpan.FromDays(3),
            RefreshReuseGrace = TimeSpan.FromSeconds(30),
            EndedSessionRetention = TimeSpan.FromMinutes(10),
            MaxEndedSessionsKept = 0,
            RepeatedCallWindow = TimeSpan.Zero, // keep none at all: the cap alone
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Apply_2000RandomCommands_NeverExceedsLimitsOrDuplicatesIds(string policyName, int seed)
    {
        var policy = PolicyFor(policyName);
        var run = new RandomRun(policy, new Random(seed));

        for (var step = 0; step < Steps; step++)
        {
            run.Step(step);
        }

        // The run must have reached the situations the invariants are about, or it proves nothing.
        var expected = new List<string> { "login", "login-at-limit", "login-while-locked", "rotated", "reuse", "refresh-unknown", "expired", "end", "end-all", "lock", "unlock", "sweep" };
        if (policy.RefreshReuseGrace > TimeSpan.Zero)
        {
            expected.Add("grace-replay");
        }

        if (policy.MaxEndedSessionsKept > 0)
        {
            // With none kept, an ended session is forgotten before anyone can ask about it.
            expected.Add("refresh-ended");
        }

        Assert.Empty(expected.Except(run.Seen));
    }

    /// <summary>One seeded run: the ledger as committed so far, and what the client side has been handed.</summary>
    private sealed class RandomRun(SessionPolicy policy, Random random)
    {
        private readonly Dictionary<string, List<string>> _issuedJtis = [];
        private readonly HashSet<string> _ended = [];
        private Ledger _ledger = Ledger.Empty(UserId);
        private DateTimeOffset _now = T0;
        private int _next;
        private string? _lastRefreshed;

        public HashSet<string> Seen { get; } = [];

        public void Step(int step)
        {
            _now += Advance();
            var roll = random.Next(100);
            if (roll < 35)
            {
                Login(step);
            }
            else if (roll < 80)
            {
                Refresh(step);
            }
            else if (roll < 90)
            {
                var id = PickSessionId();
                var change = Apply(new EndSession(id, EndReasons[random.Next(EndReasons.Length)]), step);
                Seen.Add("end");
                if (change.Outcome.Status == EndStatus.Ended)
                {
                    // With no ended sessions kept, an ended session leaves the ledger at once.
                    Assert.Equal(policy.MaxEndedSessionsKept == 0 ? null : SessionState.Ended, change.Ledger.Find(id)?.State);
                }
            }
            else if (roll < 95)
            {
                var except = random.Next(2) == 0 ? PickSessionId() : null;
                var change = Apply(new EndAllSessions(EndReasons[random.Next(EndReasons.Length)], except), step);
                Seen.Add("end-all");
                Assert.All(change.Ledger.ActiveSessions, s => Assert.Equal(except, s.Id));
            }
            else if (roll < 97)
            {
                ToggleLock(step);
            }
            else
            {
                var change = Apply(new SweepSessions(), step);
                Seen.Add("sweep");
                Assert.Equal(change.Ledger.ActiveSessions.Count(), change.Outcome.ActiveSessions);
            }
        }

        private TimeSpan Advance()
        {
            var roll = random.Next(100);
            return roll switch
            {
                < 70 => TimeSpan.FromMilliseconds(random.Next(15_000)),
                < 90 => TimeSpan.FromSeconds(random.Next(2 * 3600)),
                < 98 => TimeSpan.FromMinutes(random.Next(2 * 24 * 60)),
                _ => TimeSpan.FromHours(random.Next(10 * 24)),
            };
        }

        private void Login(int step)
        {
            var id = $"s{_next++}";
            var jti = $"{id}-rt1";
            var device = new Device($"device-{random.Next(6)}", DeviceTypes[random.Next(DeviceTypes.Length)], null);
            var atLimit = !HasRoomFor(device);
            var locked = _ledger.ClosedFor is not null;

            var change = Apply(new StartSession(id, device, jti, ClientInfo.None), step);

            Seen.Add("login");
            if (locked)
            {
                Seen.Add("login-while-locked");
                Assert.Null(change.Outcome.Session);
                Assert.Equal(ErrorCode.AccountLocked, change.Outcome.Error);
                return;
            }

            if (atLimit)
            {
                Seen.Add("login-at-limit");
            }

            if (change.Outcome.Session is { } started)
            {
                _issuedJtis[id] = [jti];
                Assert.Equal(started, change.Ledger.Get(id));
                Assert.All(change.Outcome.Replaced, s => Assert.Equal(policy.MaxEndedSessionsKept == 0 ? null : EndReason.Replaced, change.Ledger.Find(s.Id)?.EndReason));
                Assert.Equal(atLimit, change.Outcome.Replaced.Any(s => !string.Equals(s.Device.Id, device.Id, StringComparison.Ordinal)));
            }
            else
            {
                Assert.Equal(LimitAction.RejectNew, policy.OnLimit);
                Assert.True(atLimit, $"step {step}: login refused below the limits");
            }
        }

        /// <summary>Locks the account (every session ends; no login until unlocked) or unlocks it.</summary>
        private void ToggleLock(int step)
        {
            if (_ledger.ClosedFor is null)
            {
                var change = Apply(new CloseLedger(EndReason.AccountLocked), step);
                Seen.Add("lock");
                Assert.All(change.Outcome.Ended, s => Assert.Equal(EndReason.AccountLocked, s.EndReason));
            }
            else
            {
                Assert.Equal(ReopenStatus.Reopened, Apply(new ReopenLedger(), step).Outcome);
                Seen.Add("unlock");
            }
        }

        private void Refresh(int step)
        {
            // A client racing itself: often the session refreshed last, so that predecessors come back inside the grace.
            var sessionId = _lastRefreshed is not null && random.Next(3) == 0 ? _lastRefreshed : PickSessionId();
            _lastRefreshed = sessionId;
            var issued = _issuedJtis.GetValueOrDefault(sessionId) ?? ["never-issued-rt1"];
            var roll = random.Next(100);
            var presented = roll switch
            {
                < 50 => issued[^1],
                < 75 => issued.Count > 1 ? issued[^2] : issued[^1],
                < 90 => issued[random.Next(issued.Count)],
                _ => $"made-up-{random.Next()}",
            };
            var newJti = $"{sessionId}-rt{issued.Count + 1}";
            var before = _ledger.Find(sessionId);

            var change = Apply(new RefreshSession(sessionId, presented, newJti, ClientInfo.None), step);

            var after = change.Ledger.Find(sessionId);
            switch (change.Outcome.Status)
            {
                case RefreshStatus.Rotated:
                    Seen.Add("rotated");
                    Assert.Equal(before!.CurrentJti, presented);
                    Assert.Equal(newJti, after!.CurrentJti);
                    Assert.Equal(presented, after.PreviousJti);
                    Assert.Equal(before.Generation + 1, after.Generation);
                    issued.Add(newJti);
                    break;
                case RefreshStatus.GraceReplay:
                    Seen.Add("grace-replay");
                    Assert.Equal(before!.PreviousJti, presented);
                    Assert.True(_now < before.RotatedAt + policy.RefreshReuseGrace);
                    Assert.Equal(before.CurrentJti, after!.CurrentJti);
                    Assert.Equal(before.Generation, after.Generation);
                    break;
                case RefreshStatus.ReuseDetected:
                    Seen.Add("reuse");
                    Assert.NotEqual(before!.CurrentJti, presented);
                    Assert.Contains(change.Events, e => e.Kind == LedgerEventKind.ReuseDetected && e.SessionId == sessionId);
                    if (after is not null)
                    {
                        Assert.Equal(EndReason.ReuseDetected, after.EndReason);
                    }

                    break;
                case RefreshStatus.SessionEnded:
                    Seen.Add("refresh-ended");
                    Assert.NotNull(change.Outcome.Session!.EndReason);
                    break;
                case RefreshStatus.UnknownSession:
                    Seen.Add("refresh-unknown");
                    Assert.Null(after);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(step), change.Outcome.Status, null);
            }
        }

        /// <summary>Applies a command at the current time, checks the result, and commits it.</summary>
        private LedgerChange<T> Apply<T>(LedgerCommand<T> command, int step)
        {
            var before = _ledger;
            var change = command.Apply(before, _now, policy);
            var next = change.Ledger;
            var context = $"step {step} at {_now:O}, {command}";

            if (!change.Changed)
            {
                Assert.Same(before, next);
                Assert.Empty(change.Events);
            }

            Assert.Equal(before.Version, next.Version);
            AssertLimits(next, context);
            AssertIdsUnique(next, context);
            Assert.True(next.ClosedFor is null || !next.ActiveSessions.Any(), $"{context}: an active session in a locked ledger");
            foreach (var session in next.Sessions)
            {
                // Housekeeping ran: nothing active is expired, everything ended says why.
                Assert.True(session.State == SessionState.Ended || !session.IsExpiredAt(_now), $"{context}: {session.Id} active past its expiry");
                Assert.Equal(session.EndedAt is null, session.EndReason is null);
                if (session.State == SessionState.Ended)
                {
                    _ended.Add(session.Id);
                }
                else
                {
                    // I5: once ended, never active again.
                    Assert.DoesNotContain(session.Id, _ended);
                }
            }

            if (change.Events.Any(e => e.Reason == EndReason.Expired))
            {
                Seen.Add("expired");
            }

            _ledger = change.Changed ? next with { Version = before.Version + 1 } : next;
            return change;
        }

        private void AssertLimits(Ledger ledger, string context)
        {
            var active = ledger.ActiveSessions.ToList();
            Assert.True(active.Count <= policy.MaxSessionsPerUser, $"{context}: {active.Count} active sessions, limit {policy.MaxSessionsPerUser}");
            foreach (var group in active.GroupBy(s => s.Device.Type, StringComparer.OrdinalIgnoreCase))
            {
                if (policy.LimitFor(group.Key) is { } limit)
                {
                    Assert.True(group.Count() <= limit, $"{context}: {group.Count()} active {group.Key} sessions, limit {limit}");
                }
            }
        }

        private static void AssertIdsUnique(Ledger ledger, string context)
        {
            var duplicates = ledger.Sessions.GroupBy(s => s.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicates.Count == 0, $"{context}: duplicate session ids {string.Join(",", duplicates)}");
        }

        /// <summary>Whether a login from <paramref name="device"/> fits without ending anyone (its own device's session aside).</summary>
        private bool HasRoomFor(Device device)
        {
            var others = _ledger.ActiveSessions
                .Where(s => !s.IsExpiredAt(_now) && !string.Equals(s.Device.Id, device.Id, StringComparison.Ordinal))
                .ToList();
            var ofType = others.Count(s => string.Equals(s.Device.Type, device.Type, StringComparison.OrdinalIgnoreCase));
            return others.Count < policy.MaxSessionsPerUser && (policy.LimitFor(device.Type) is not { } limit || ofType < limit);
        }

        /// <summary>Mostly an active session, else any the client side was ever given (maybe ended or pruned), sometimes one the ledger never had.</summary>
        private string PickSessionId()
        {
            var roll = random.Next(10);
            var active = _ledger.ActiveSessions.ToList();
            if (roll < 6 && active.Count > 0)
            {
                return active[random.Next(active.Count)].Id;
            }

            if (roll < 9 && _issuedJtis.Count > 0)
            {
                return _issuedJtis.Keys.ElementAt(random.Next(_issuedJtis.Count));
            }

            return "never-issued";
        }
    }
}
