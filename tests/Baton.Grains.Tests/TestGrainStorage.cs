using System.Collections.Concurrent;
using System.Text.Json;
using Orleans.Storage;

namespace Baton.Grains.Tests;

/// <summary>
/// The grain state of every silo of the test cluster, in this process: survives the silos (unlike
/// Orleans' memory provider, whose storage grains live on silos), checks ETags like Redis or SQLite,
/// and records every document it accepted so tests can inspect each persisted state.
/// </summary>
internal sealed class TestGrainStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (BinaryData Data, string ETag)> _states = new(StringComparer.Ordinal);
    private long _etags;

    /// <summary>Every accepted write: the storage key and the JSON document.</summary>
    public ConcurrentQueue<(string Key, string Json)> Writes { get; } = new();

    /// <summary>How long a write takes, as a network store's would; zero answers on the next turn.</summary>
    public TimeSpan WriteLatency { get; set; }

    /// <summary>When false, writes ignore the ETag (to show what the check prevents).</summary>
    public bool CheckETags { get; set; } = true;

    public static string KeyOf(GrainId grainId, string stateName) => $"{grainId}/{stateName}";

    public static string KeyOfUser(string userId) => $"usersession/{userId}/ledger";

    public bool TryRead(string key, out BinaryData data, out string etag)
    {
        lock (_gate)
        {
            if (_states.TryGetValue(key, out var stored))
            {
                (data, etag) = stored;
                return true;
            }
        }

        (data, etag) = (BinaryData.Empty, "");
        return false;
    }

    public string Write(string key, BinaryData data, string? expectedETag)
    {
        lock (_gate)
        {
            var current = _states.TryGetValue(key, out var stored) ? stored.ETag : null;
            if (CheckETags && !string.Equals(current, expectedETag, StringComparison.Ordinal))
            {
                throw new InconsistentStateException($"Stale ETag for {key}", current ?? "(none)", expectedETag ?? "(none)");
            }

            var etag = (++_etags).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _states[key] = (data, etag);
            Writes.Enqueue((key, data.ToString()));
            return etag;
        }
    }

    /// <summary>Rewrites a stored state behind every activation's back (a second writer), bumping its ETag.</summary>
    public void Tamper(string key, Func<UserSessionState, UserSessionState> change)
    {
        lock (_gate)
        {
            var (data, _) = _states[key];
            var state = JsonSerializer.Deserialize<UserSessionState>(data.ToString())!;
            _states[key] = (BinaryData.FromString(JsonSerializer.Serialize(change(state))), (++_etags).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public UserSessionState? Read(string key) =>
        TryRead(key, out var data, out _) ? JsonSerializer.Deserialize<UserSessionState>(data.ToString()) : null;

    public void Remove(string key)
    {
        lock (_gate)
        {
            _states.Remove(key);
        }
    }
}

/// <summary>The silos' <see cref="IGrainStorage"/> over the shared <see cref="TestGrainStore"/>, serializing with the silo's grain storage serializer.</summary>
internal sealed class TestGrainStorage(TestGrainStore store, IGrainStorageSerializer serializer) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.TryRead(TestGrainStore.KeyOf(grainId, stateName), out var data, out var etag))
        {
            grainState.State = serializer.Deserialize<T>(data);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // A real store sends the document and the ETag, then answers later: the grain's turn waits.
        var data = serializer.Serialize(grainState.State);
        var expected = grainState.ETag;
        if (store.WriteLatency > TimeSpan.Zero)
        {
            await Task.Delay(store.WriteLatency);
        }
        else
        {
            await Task.Yield();
        }

        grainState.ETag = store.Write(TestGrainStore.KeyOf(grainId, stateName), data, expected);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.Remove(TestGrainStore.KeyOf(grainId, stateName));
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
