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
}
