using System.Collections.Immutable;

namespace Baton.Core.Ledgers;

/// <summary>
/// A login: starts a session on <see cref="Device"/>, enforcing the device-id, per-type and
/// per-user limits of the policy. A login from a device id that already has an active session
/// replaces it; at a limit the oldest session in the way is evicted (reason
/// <see cref="EndReason.Replaced"/>) or the login is refused, as <see cref="SessionPolicy.OnLimit"/> says.
/// </summary>
/// <param name="SessionId">The new session's id.</param>
/// <param name="Device">The device logging in.</param>
/// <param name="RefreshJti">The <c>jti</c> of the first refresh token.</param>
/// <param name="Client">Where the login came from.</param>
public sealed record StartSession(string SessionId, Device Device, string RefreshJti, ClientInfo Client) : LedgerCommand<StartSessionOutcome>
{
    /// <summary>Roles the session's access tokens carry (from the account, or given by a trusted backend).</summary>
    public ImmutableArray<string> Roles { get; init; } = [];

    /// <summary>The account's username, kept in the session (null when a trusted backend starts it).</summary>
    public string? Username { get; init; }

    private protected override StartSessionOutcome Decide(LedgerDraft draft)
    {
        // The same start again (the front repeated a call whose answer it did not get, DESIGN.md §8):
        // answer the session the first one started, as the first answer would have, and change
        // nothing. It may have ended since (a burst of logins at a limit replaced it): its tokens
        // then say so on first use, as they would have had the first answer arrived.
        if (draft.IndexOf(SessionId) is >= 0 and var existing)
        {
            return new StartSessionOutcome(draft.Sessions[existing], []);
        }

        if (draft.ClosedFor is not null)
        {
            return StartSessionOutcome.AccountClosed;
        }

        var policy = draft.Policy;
        if (policy.OnLimit == LimitAction.RejectNew && !HasRoomWithoutEvicting(draft))
        {
            return StartSessionOutcome.LimitReached;
        }

        // The same device logging in again is not a new device: it takes its old session's place
        // whatever the limits say, so RejectNew can never lock a user out of their own device.
        var replaced = ImmutableArray.CreateBuilder<Session>();
        for (var i = 0; i < draft.Sessions.Count; i++)
        {
            if (IsSameDevice(draft.Sessions[i]))
            {
                replaced.Add(draft.End(i, EndReason.Replaced));
            }
        }

        EvictDownTo(draft, Device.Type, policy.LimitFor(Device.Type), replaced);
        EvictDownTo(draft, deviceType: null, policy.MaxSessionsPerUser, replaced);

        var started = Session.Start(SessionId, Device, Client, RefreshJti, draft.Now, policy) with { Roles = Roles, Username = Username };
        draft.Add(started);
        return new StartSessionOutcome(started, replaced.ToImmutable());
    }

    private bool IsSameDevice(Session session) =>
        session.State == SessionState.Active && string.Equals(session.Device.Id, Device.Id, StringComparison.Ordinal);

    private bool HasRoomWithoutEvicting(LedgerDraft draft)
    {
        int active = 0, ofType = 0;
        foreach (var session in draft.Sessions)
        {
            if (session.State != SessionState.Active || IsSameDevice(session))
            {
                continue;
            }

            active++;
            if (string.Equals(session.Device.Type, Device.Type, StringComparison.OrdinalIgnoreCase))
            {
                ofType++;
            }
        }

        return active < draft.Policy.MaxSessionsPerUser &&
            (draft.Policy.LimitFor(Device.Type) is not { } typeLimit || ofType < typeLimit);
    }

    /// <summary>Ends the oldest active sessions (of one type, or of any) until a new one fits under <paramref name="limit"/>.</summary>
    private static void EvictDownTo(LedgerDraft draft, string? deviceType, int? limit, ImmutableArray<Session>.Builder replaced)
    {
        if (limit is not { } max)
        {
            return;
        }

        while (draft.CountActive(deviceType) >= max)
        {
            replaced.Add(draft.End(draft.IndexOfOldestActive(deviceType), EndReason.Replaced));
        }
    }
}

/// <summary>What a login got.</summary>
/// <param name="Session">The new session, or null when the login was refused.</param>
/// <param name="Replaced">Sessions the login ended to make room (reason <see cref="EndReason.Replaced"/>).</param>
/// <param name="Error">Why the login was refused; null on success.</param>
public sealed record StartSessionOutcome(Session? Session, ImmutableArray<Session> Replaced, ErrorCode? Error = null)
{
    /// <summary>Refused: the account is at a limit and the policy is <see cref="LimitAction.RejectNew"/>.</summary>
    public static StartSessionOutcome LimitReached { get; } = new(null, [], ErrorCode.SessionLimitReached);

    /// <summary>Refused: the account is locked or deleted (<see cref="Ledger.ClosedFor"/>).</summary>
    public static StartSessionOutcome AccountClosed { get; } = new(null, [], ErrorCode.AccountLocked);
}
