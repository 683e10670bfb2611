using Orleans;
using Orleans.Storage;

namespace Baton.Storage.Sqlite;

/// <summary>
/// One named <see cref="SqliteGrainStorage"/> provider. The file itself (path, lock timeout, write
/// queue) is <see cref="SqliteStoreOptions"/>, shared by every provider and the event log.
/// </summary>
public sealed class SqliteGrainStorageOptions
{
    /// <summary>
    /// Turns state into its stored document. Null (the default) is Orleans' System.Text.Json
    /// serializer with the silo's <c>SystemTextJsonGrainStorageSerializerOptions</c>: plain JSON,
    /// no .NET type names, readable with <c>sqlite3</c> and tolerant of renamed types.
    /// </summary>
    public IGrainStorageSerializer? GrainStorageSerializer { get; set; }

    /// <summary>The silo lifecycle stage at which the schema is brought up to date.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;
}
