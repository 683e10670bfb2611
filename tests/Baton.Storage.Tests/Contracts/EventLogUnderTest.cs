using Baton.Core.Audit;

namespace Baton.Storage.Tests.Contracts;

/// <summary>A backend's event log for one test, with the readers the API follows it through.</summary>
public abstract class EventLogUnderTest : IAsyncDisposable
{
    /// <summary>Where the grains append.</summary>
    public abstract IEventLog Log { get; }

    /// <summary>The audit log over the same events.</summary>
    public abstract IAuditLog Audit { get; }

    /// <summary>The revocation feed over the same events.</summary>
    public abstract IRevocationLog Revocations { get; }

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}
