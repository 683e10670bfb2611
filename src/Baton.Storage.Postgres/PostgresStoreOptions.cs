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

    /// <summary>The change feed's first reconnection delay; it doubles up to <see cref="FeedMaxBackoff"/>.</summary>
    public TimeSpan FeedInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between the change feed's reconnection attempts.</summary>
    public TimeSpan FeedMaxBackoff { get; set; } = TimeSpan.FromSeconds(5);
}
