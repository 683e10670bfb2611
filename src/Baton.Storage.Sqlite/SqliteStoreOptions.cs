namespace Baton.Storage.Sqlite;

/// <summary>The embedded store (configuration section <c>Baton:Sqlite</c>).</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Baton:Sqlite";

    /// <summary>The database file; created with its directory on first start.</summary>
    public string Path { get; set; } = "baton.db";

    /// <summary>How long a write waits for another writer's lock before the store reports itself unavailable.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Writes of grain state and event-log appends that may wait for <see cref="SqliteDatabase"/>'s
    /// single writer; a caller beyond it waits for room (backpressure) instead of growing memory.
    /// </summary>
    public int WriteQueueCapacity { get; set; } = 4096;

    /// <summary>The most queued writes the writer commits together in one transaction (and one sync to disk).</summary>
    public int MaxWriteBatch { get; set; } = 512;
}
