namespace Baton.Storage.Postgres;

/// <summary>The shared store (configuration section <c>Baton:Postgres</c>).</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Baton:Postgres";

    /// <summary>An Npgsql connection string, for example <c>Host=db;Database=baton;Username=baton;Password=...</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How long one statement may run before the store reports itself unavailable.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an operation waits for a connection, a free one from an exhausted pool or a new
    /// one, before the store reports itself unavailable (a fast 503 instead of requests queueing
    /// up). Replaces <c>Timeout</c> in the connection string, as <see cref="CommandTimeout"/>
    /// replaces <c>Command Timeout</c>. Whole seconds, at least 1. Default 2 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The change feed's first reconnection delay; it doubles up to <see cref="FeedMaxBackoff"/>.</summary>
    public TimeSpan FeedInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between the change feed's reconnection attempts.</summary>
    public TimeSpan FeedMaxBackoff { get; set; } = TimeSpan.FromSeconds(5);
}
