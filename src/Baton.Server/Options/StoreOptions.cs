namespace Baton.Server.Options;

/// <summary>Which store holds Baton's state. Section <c>Baton:Store</c>.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Baton:Store";

    /// <summary><c>Sqlite</c> (default: one process, a file next to the app) or <c>Postgres</c> (any number of nodes).</summary>
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;
}

/// <summary>The stores Baton ships.</summary>
public enum StoreProvider
{
    /// <summary>Embedded SQLite file.</summary>
    Sqlite,
    /// <summary>Shared PostgreSQL.</summary>
    Postgres,
}
