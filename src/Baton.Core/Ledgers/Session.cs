using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Baton.Core.Ledgers;

/// <summary>
/// One session in a user's ledger: a device, its lifetimes, and the one refresh token
/// generation (<see cref="CurrentJti"/>) that may be rotated next. Immutable; transitions return
/// a new value and check the current state first.
/// </summary>
public sealed record Session
{
    /// <summary>The session id (<c>sid</c> claim): 128 random bits, base64url.</summary>
    public required string Id { get; init; }

    /// <summary>The device the session lives on.</summary>
    public required Device Device { get; init; }

    /// <summary>The client that started or last refreshed the session.</summary>
    public ClientInfo Client { get; init; } = ClientInfo.None;

    /// <summary>Roles copied into this session's access tokens, fixed at login.</summary>
    public ImmutableArray<string> Roles { get; init; } = [];

    /// <summary>The account's username at login, so "who am I" is answered from the cached ledger; null for trusted-backend sessions.</summary>
    public string? Username { get; init; }

    /// <summary>When the login happened.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the refresh token was last rotated (the login time until then).</summary>
    public required DateTimeOffset LastRefreshedAt { get; init; }

    /// <summary>Sliding idle expiry: the session expires if not refreshed before this.</summary>
    public required DateTimeOffset IdleExpiresAt { get; init; }

    /// <summary>Absolute expiry: the session never lives past this.</summary>
    public required DateTimeOffset AbsoluteExpiresAt { get; init; }

    /// <summary>1 for the refresh token issued at login, incremented by each rotation.</summary>
    public required int Generation { get; init; }

    /// <summary>The <c>jti</c> of the one refresh token that may be rotated now.</summary>
    public required string CurrentJti { get; init; }

    /// <summary>The <c>jti</c> the last rotation replaced; honoured inside the reuse grace only.</summary>
    public string? PreviousJti { get; init; }

    /// <summary>When <see cref="PreviousJti"/> was rotated into <see cref="CurrentJti"/>.</summary>
    public DateTimeOffset? RotatedAt { get; init; }

    /// <summary>When the session ended; null while active.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why the session ended; null while active.</summary>
    public EndReason? EndReason { get; init; }

    /// <summary>Active until ended.</summary>
    [JsonIgnore]
    public SessionState State => EndedAt is null ? SessionState.Active : SessionState.Ended;

    /// <summary>The <c>exp</c> a refresh token of the current generation carries.</summary>
    [JsonIgnore]
    public DateTimeOffset RefreshExpiresAt => IdleExpiresAt < AbsoluteExpiresAt ? IdleExpiresAt : AbsoluteExpiresAt;

    /// <summary>True once <paramref name="now"/> is at or past either lifetime.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => now >= RefreshExpiresAt;

    /// <summary>Starts a new active session at generation 1.</summary>
    public static Session Start(string id, Device device, ClientInfo client, string refreshJti, DateTimeOffset now, SessionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var absolute = now + policy.SessionAbsoluteLifetime;
        return new Session
        {
            Id = id,
            Device = device,
            Client = client,
            CreatedAt = now,
            LastRefreshedAt = now,
            IdleExpiresAt = Min(now + policy.RefreshIdleLifetime, absolute),
            AbsoluteExpiresAt = absolute,
            Generation = 1,
            CurrentJti = refreshJti,
        };
    }

    /// <summary>Replaces the current refresh generation with <paramref name="newJti"/> and slides the idle expiry.</summary>
    public Session Rotate(string newJti, ClientInfo client, DateTimeOffset now, SessionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        EnsureActive();
        return this with
        {
            PreviousJti = CurrentJti,
            RotatedAt = now,
            CurrentJti = newJti,
            Generation = Generation + 1,
            LastRefreshedAt = now,
            IdleExpiresAt = Min(now + policy.RefreshIdleLifetime, AbsoluteExpiresAt),
            Client = client,
        };
    }

    /// <summary>Ends the session for <paramref name="reason"/>.</summary>
    public Session End(EndReason reason, DateTimeOffset now)
    {
        EnsureActive();
        return this with { EndedAt = now, EndReason = reason };
    }

    private void EnsureActive()
    {
        if (State != SessionState.Active)
        {
            throw new InvalidOperationException($"Session {Id} has already ended ({EndReason}).");
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
