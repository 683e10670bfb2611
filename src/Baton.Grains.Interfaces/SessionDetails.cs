using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Baton.Core;
using Baton.Core.Ledgers;

namespace Baton.Grains;

/// <summary>
/// One session as the grain reports it (the message form of <see cref="Session"/>):
/// what the API needs to mint its tokens (id, current refresh <c>jti</c>, generation, roles,
/// refresh expiry) and to list it (device, client, times, end reason).
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("Baton.SessionDetails")]
public sealed record SessionDetails
{
    /// <summary>The session id (<c>sid</c>).</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>The device.</summary>
    [Id(1)] public required DeviceDetails Device { get; init; }

    /// <summary>The client that started or last refreshed the session.</summary>
    [Id(2)] public required ClientDetails Client { get; init; }

    /// <summary>Roles its access tokens carry.</summary>
    [Id(3)] public ImmutableArray<string> Roles { get; init; } = [];

    /// <summary>The account's username at login; null for trusted-backend sessions.</summary>
    [Id(4)] public string? Username { get; init; }

    /// <summary>When the login happened.</summary>
    [Id(5)] public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the refresh token last rotated (the login time until then).</summary>
    [Id(6)] public required DateTimeOffset LastRefreshedAt { get; init; }

    /// <summary>The <c>exp</c> of a refresh token of the current generation (idle and absolute lifetimes combined).</summary>
    [Id(7)] public required DateTimeOffset RefreshExpiresAt { get; init; }

    /// <summary>1 at login, +1 per rotation.</summary>
    [Id(8)] public required int Generation { get; init; }

    /// <summary>The <c>jti</c> of the one refresh token that may be rotated now.</summary>
    [Id(9)] public required string CurrentJti { get; init; }

    /// <summary>When the session ended; null while active.</summary>
    [Id(10)] public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why it ended; null while active.</summary>
    [Id(11)] public EndReason? EndReason { get; init; }

    /// <summary>Not ended and not past its refresh expiry at <paramref name="now"/> (an expired session may not be swept yet).</summary>
    public bool IsActiveAt(DateTimeOffset now) => EndedAt is null && now < RefreshExpiresAt;

    /// <summary>The message form of <paramref name="session"/>, or null.</summary>
    [return: NotNullIfNotNull(nameof(session))]
    public static SessionDetails? From(Session? session) => session is null ? null : new()
    {
        Id = session.Id,
        Device = DeviceDetails.From(session.Device),
        Client = ClientDetails.From(session.Client),
        Roles = session.Roles,
        Username = session.Username,
        CreatedAt = session.CreatedAt,
        LastRefreshedAt = session.LastRefreshedAt,
        RefreshExpiresAt = session.RefreshExpiresAt,
        Generation = session.Generation,
        CurrentJti = session.CurrentJti,
        EndedAt = session.EndedAt,
        EndReason = session.EndReason,
    };

    /// <summary>The message forms of <paramref name="sessions"/>.</summary>
    public static ImmutableArray<SessionDetails> From(ImmutableArray<Session> sessions) =>
        sessions.IsDefaultOrEmpty ? [] : [.. sessions.Select(s => From(s))];
}
