using Baton.Core;
using Baton.Grains;

namespace Baton.Api.Endpoints.Contracts;

/// <summary>One session as users and admins see it.</summary>
public sealed record SessionView(
    string SessionId,
    DeviceView Device,
    string? IpAddress,
    string? UserAgent,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastRefreshedAt,
    DateTimeOffset ExpiresAt,
    bool Current,
    string State,
    DateTimeOffset? EndedAt,
    string? EndReason)
{
    internal static SessionView Of(SessionDetails s, string? currentSessionId) => new(
        s.Id,
        new DeviceView(s.Device.Id, s.Device.Type, s.Device.Name),
        s.Client.IpAddress,
        s.Client.UserAgent,
        s.CreatedAt,
        s.LastRefreshedAt,
        s.RefreshExpiresAt,
        string.Equals(s.Id, currentSessionId, StringComparison.Ordinal),
        s.EndedAt is null ? "active" : "ended",
        s.EndedAt,
        s.EndReason?.ToWire());
}

public sealed record DeviceView(string Id, string Type, string? Name);
