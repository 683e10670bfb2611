using Microsoft.Data.Sqlite;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Baton.Storage.Sqlite;

/// <summary>
/// Orleans grain storage in the embedded default's SQLite file (table <c>grain_state</c>): one row
/// per grain and state name holding the state as a JSON document and an ETag that every write and
/// clear must present. Writes go through <see cref="SqliteDatabase"/>'s group commit.
/// </summary>
/// <remarks>
/// A stale ETag throws <see cref="InconsistentStateException"/>, as Orleans expects: the grain
/// deactivates and nothing of the stale write persists (DESIGN.md §1.3, invariant I8). An outage of
/// the file throws <see cref="Core.Storage.StoreUnavailableException"/>; note that Orleans' state
/// bridge wraps exceptions that are not Orleans' own in an <c>OrleansException</c>, so a grain's
/// caller finds it as the inner exception.
/// </remarks>
public sealed class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
    private readonly SqliteDatabase _database;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly int _initStage;

    /// <summary>Creates the provider named <paramref name="name"/> over <paramref name="database"/>.</summary>
    /// <param name="name">The provider's name (grains refer to it in <c>[PersistentState]</c>).</param>
    /// <param name="database">The file; shared with the event log.</param>
    /// <param name="serializer">Turns state into its stored document; use one that writes plain JSON.</param>
    /// <param name="activators">Creates the default state of a grain that has none stored.</param>
    /// <param name="initStage">The silo lifecycle stage at which the schema is brought up to date.</param>
    public SqliteGrainStorage(string name, SqliteDatabase database, IGrainStorageSerializer serializer, IActivatorProvider activators, int initStage = ServiceLifecycleStage.ApplicationServices)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(activators);
        _name = name;
        _database = database;
        _serializer = serializer;
        _activators = activators;
        _initStage = initStage;
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        // A silo whose file is unusable fails at start-up rather than at its first grain activation.
        lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}", _initStage, _database.MigrateAsync, _ => Task.CompletedTask);
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = Key.Of(stateName, grainId);
        var stored = await _database.ReadAsync(connection =>
        {
            using var command = Select(connection, key);
            using var reader = command.ExecuteReader();
            return reader.Read() ? (ETag: reader.GetString(0), Document: reader.GetString(1)) : default((string ETag, string Document)?);
        }, cancellationToken);

        if (stored is { } row)
        {
            grainState.State = _serializer.Deserialize<T>(BinaryData.FromString(row.Document));
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = _activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = Key.Of(stateName, grainId);
        var expected = grainState.ETag;
        var document = _serializer.Serialize(grainState.State).ToString(); // outside the writer: its time is everyone's
        var next = Guid.NewGuid().ToString("N"); // never reused, so a cleared and re-created row cannot match an old ETag
        var now = _database.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

        var conflict = await _database.WriteAsync(connection =>
        {
            if (StoredETag(connection, key) is var stored && !string.Equals(stored, expected, StringComparison.Ordinal))
            {
                return new Conflict(stored);
            }

            SqliteStore.Execute(connection,
                stored is null
                    ? "INSERT INTO grain_state (grain_type, grain_key, state_name, etag, document, updated_at) VALUES ($t, $k, $s, $next, $d, $now)"
                    : "UPDATE grain_state SET etag = $next, document = $d, updated_at = $now WHERE grain_type = $t AND grain_key = $k AND state_name = $s",
                [.. key.Parameters, ("$next", next), ("$d", document), ("$now", now)]);
            return null;
        }, cancellationToken);

        if (conflict is not null)
        {
            throw Inconsistent(nameof(WriteStateAsync), key, conflict.StoredETag, expected);
        }

        grainState.ETag = next;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = Key.Of(stateName, grainId);
        var expected = grainState.ETag;

        var conflict = await _database.WriteAsync(connection =>
        {
            if (StoredETag(connection, key) is var stored && !string.Equals(stored, expected, StringComparison.Ordinal))
            {
                return new Conflict(stored);
            }

            SqliteStore.Execute(connection, "DELETE FROM grain_state WHERE grain_type = $t AND grain_key = $k AND state_name = $s", key.Parameters);
            return null;
        }, cancellationToken);

        if (conflict is not null)
        {
            throw Inconsistent(nameof(ClearStateAsync), key, conflict.StoredETag, expected);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static string? StoredETag(SqliteConnection connection, Key key) =>
        SqliteStore.Scalar(connection, "SELECT etag FROM grain_state WHERE grain_type = $t AND grain_key = $k AND state_name = $s", key.Parameters) as string;

    private static SqliteCommand Select(SqliteConnection connection, Key key) =>
        SqliteStore.Command(connection, "SELECT etag, document FROM grain_state WHERE grain_type = $t AND grain_key = $k AND state_name = $s", key.Parameters);

    private InconsistentStateException Inconsistent(string operation, Key key, string? stored, string? current) =>
        new($"Version conflict ({operation}): provider {_name}, grain {key.GrainType}/{key.GrainKey}, state {key.StateName}: stored ETag {stored ?? "(none)"}, presented {current ?? "(none)"}.", stored, current);

    /// <summary>The row of one grain's named state.</summary>
    private readonly record struct Key(string GrainType, string GrainKey, string StateName)
    {
        public static Key Of(string stateName, GrainId grainId)
        {
            ArgumentException.ThrowIfNullOrEmpty(stateName);
            return new Key(grainId.Type.ToString()!, grainId.Key.ToString()!, stateName);
        }

        public (string Name, object? Value)[] Parameters => [("$t", GrainType), ("$k", GrainKey), ("$s", StateName)];
    }

    /// <summary>A refused write: the ETag the row holds (null: no row).</summary>
    private sealed record Conflict(string? StoredETag);
}
