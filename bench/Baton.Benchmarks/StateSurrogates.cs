using System.Collections.Immutable;
using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Grains;

namespace Baton.Benchmarks;

// Orleans-serializable forms of UserSessionState and what it holds, for StateSerializerBenchmarks only.
// The src/ types carry no Orleans attributes (Baton.Core knows nothing of Orleans), so Orleans' own
// serializer reaches them through surrogates and registered converters, as it would for any type it
// does not own. Every field of the state has a place here; nothing is left out to look fast.

[GenerateSerializer]
[Alias("Baton.Benchmarks.UserSessionState")]
internal struct UserSessionStateSurrogate
{
    [Id(0)] public Ledger? Ledger;
    [Id(1)] public ImmutableArray<LoggedEvent> Outbox;
}

[RegisterConverter]
internal sealed class UserSessionStateSurrogateConverter : IConverter<UserSessionState, UserSessionStateSurrogate>
{
    public UserSessionState ConvertFromSurrogate(in UserSessionStateSurrogate surrogate) => new(surrogate.Ledger, surrogate.Outbox);

    public UserSessionStateSurrogate ConvertToSurrogate(in UserSessionState value) => new() { Ledger = value.Ledger, Outbox = value.Outbox };
}

[GenerateSerializer]
[Alias("Baton.Benchmarks.Ledger")]
internal struct LedgerSurrogate
{
    [Id(0)] public string UserId;
    [Id(1)] public long Version;
    [Id(2)] public ImmutableArray<Session> Sessions;
    [Id(3)] public EndReason? ClosedFor;
}

[RegisterConverter]
internal sealed class LedgerSurrogateConverter : IConverter<Ledger, LedgerSurrogate>
{
    public Ledger ConvertFromSurrogate(in LedgerSurrogate surrogate) =>
        new(surrogate.UserId, surrogate.Version, surrogate.Sessions) { ClosedFor = surrogate.ClosedFor };

    public LedgerSurrogate ConvertToSurrogate(in Ledger value) =>
        new() { UserId = value.UserId, Version = value.Version, Sessions = value.Sessions, ClosedFor = value.ClosedFor };
}

[GenerateSerializer]
[Alias("Baton.Benchmarks.Session")]
internal struct SessionSurrogate
{
    [Id(0)] public string Id;
    [Id(1)] public Device Device;
    [Id(2)] public ClientInfo Client;
    [Id(3)] public ImmutableArray<string> Roles;
    [Id(4)] public string? Username;
    [Id(5)] public DateTimeOffset CreatedAt;
    [Id(6)] public DateTimeOffset LastRefreshedAt;
    [Id(7)] public DateTimeOffset IdleExpiresAt;
    [Id(8)] public DateTimeOffset AbsoluteExpiresAt;
    [Id(9)] public int Generation;
    [Id(10)] public string CurrentJti;
    [Id(11)] public string? PreviousJti;
    [Id(12)] public DateTimeOffset? RotatedAt;
    [Id(13)] public DateTimeOffset? EndedAt;
    [Id(14)] public EndReason? EndReason;
}

[RegisterConverter]
internal sealed class SessionSurrogateConverter : IConverter<Session, SessionSurrogate>
{
    public Session ConvertFromSurrogate(in SessionSurrogate surrogate) => new()
    {
        Id = surrogate.Id,
        Device = surrogate.Device,
        Client = surrogate.Client,
        Roles = surrogate.Roles,
        Username = surrogate.Username,
        CreatedAt = surrogate.CreatedAt,
        LastRefreshedAt = surrogate.LastRefreshedAt,
        IdleExpiresAt = surrogate.IdleExpiresAt,
        AbsoluteExpiresAt = surrogate.AbsoluteExpiresAt,
        Generation = surrogate.Generation,
        CurrentJti = surrogate.CurrentJti,
        PreviousJti = surrogate.PreviousJti,
        RotatedAt = surrogate.RotatedAt,
        EndedAt = surrogate.EndedAt,
        EndReason = surrogate.EndReason,
    };

    public SessionSurrogate ConvertToSurrogate(in Session value) => new()
    {
        Id = value.Id,
        Device = value.Device,
        Client = value.Client,
        Roles = value.Roles,
        Username = value.Username,
        CreatedAt = value.CreatedAt,
        LastRefreshedAt = value.LastRefreshedAt,
        IdleExpiresAt = value.IdleExpiresAt,
        AbsoluteExpiresAt = value.AbsoluteExpiresAt,
        Generation = value.Generation,
        CurrentJti = value.CurrentJti,
        PreviousJti = value.PreviousJti,
        RotatedAt = value.RotatedAt,
        EndedAt = value.EndedAt,
        EndReason = value.EndReason,
    };
}

[GenerateSerializer]
[Alias("Baton.Benchmarks.Device")]
internal struct DeviceSurrogate
{
    [Id(0)] public string Id;
    [Id(1)] public string Type;
    [Id(2)] public string? Name;
}

[RegisterConverter]
internal sealed class DeviceSurrogateConverter : IConverter<Device, DeviceSurrogate>
{
    public Device ConvertFromSurrogate(in DeviceSurrogate surrogate) => new(surrogate.Id, surrogate.Type, surrogate.Name);

    public DeviceSurrogate ConvertToSurrogate(in Device value) => new() { Id = value.Id, Type = value.Type, Name = value.Name };
}

[GenerateSerializer]
[Alias("Baton.Benchmarks.ClientInfo")]
internal struct ClientInfoSurrogate
{
    [Id(0)] public string? IpAddress;
    [Id(1)] public string? UserAgent;
}

[RegisterConverter]
internal sealed class ClientInfoSurrogateConverter : IConverter<ClientInfo, ClientInfoSurrogate>
{
    public ClientInfo ConvertFromSurrogate(in ClientInfoSurrogate surrogate) => new(surrogate.IpAddress, surrogate.UserAgent);

    public ClientInfoSurrogate ConvertToSurrogate(in ClientInfo value) => new() { IpAddress = value.IpAddress, UserAgent = value.UserAgent };
}

[GenerateSerializer]
[Alias("Baton.Benchmarks.LoggedEvent")]
internal struct LoggedEventSurrogate
{
    [Id(0)] public string Id;
    [Id(1)] public string Producer;
    [Id(2)] public long Sequence;
    [Id(3)] public AuditEntry Entry;
}

[RegisterConverter]
internal sealed class LoggedEventSurrogateConverter : IConverter<LoggedEvent, LoggedEventSurrogate>
{
    public LoggedEvent ConvertFromSurrogate(in LoggedEventSurrogate surrogate) => new(surrogate.Id, surrogate.Producer, surrogate.Sequence, surrogate.Entry);

    public LoggedEventSurrogate ConvertToSurrogate(in LoggedEvent value) =>
        new() { Id = value.Id, Producer = value.Producer, Sequence = value.Sequence, Entry = value.Entry };
}

[GenerateSerializer]
[Alias("Baton.Benchmarks.AuditEntry")]
internal struct AuditEntrySurrogate
{
    [Id(0)] public string UserId;
    [Id(1)] public LedgerEventKind Kind;
    [Id(2)] public string SessionId;
    [Id(3)] public int Generation;
    [Id(4)] public EndReason? Reason;
    [Id(5)] public string? IpAddress;
    [Id(6)] public string? UserAgent;
    [Id(7)] public string Node;
    [Id(8)] public DateTimeOffset At;
}

[RegisterConverter]
internal sealed class AuditEntrySurrogateConverter : IConverter<AuditEntry, AuditEntrySurrogate>
{
    public AuditEntry ConvertFromSurrogate(in AuditEntrySurrogate surrogate) =>
        new(surrogate.UserId, surrogate.Kind, surrogate.SessionId, surrogate.Generation, surrogate.Reason, surrogate.IpAddress, surrogate.UserAgent, surrogate.Node, surrogate.At);

    public AuditEntrySurrogate ConvertToSurrogate(in AuditEntry value) => new()
    {
        UserId = value.UserId,
        Kind = value.Kind,
        SessionId = value.SessionId,
        Generation = value.Generation,
        Reason = value.Reason,
        IpAddress = value.IpAddress,
        UserAgent = value.UserAgent,
        Node = value.Node,
        At = value.At,
    };
}
