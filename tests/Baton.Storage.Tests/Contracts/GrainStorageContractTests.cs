using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Baton.Testing.Storage;

namespace Baton.Storage.Tests.Contracts;

/// <summary>
/// What Orleans expects of grain storage, written once for every backend (STYLE.md: the backends
/// cannot drift): state round-trips as plain JSON, and every write and clear presents the ETag of
/// the last read or write, or is refused with <see cref="InconsistentStateException"/> (DESIGN.md §1.3).
/// </summary>
public abstract class GrainStorageContractTests
{
    protected const string StateName = "ledger";
    protected static readonly GrainId Alice = GrainId.Create("usersession", "alice");
    protected static readonly GrainId Bob = GrainId.Create("usersession", "bob");

    /// <summary>The backend's provider on an empty store of its own.</summary>
    protected abstract Task<GrainStorageUnderTest> CreateStorageAsync();

    /// <summary>
    /// Whether a refused write names the stored and the presented ETag in its exception. Baton's own
    /// providers do; Orleans' Redis provider throws the exception with a message only. The grain
    /// needs only the exception's type (DESIGN.md §1.3), so this is a diagnostic, not the contract.
    /// </summary>
    protected virtual bool ReportsETagsOnConflict => true;

    [BackendFact]
    public async Task ReadState_NothingStored_IsDefaultStateWithoutETag()
    {
        await using var store = await CreateStorageAsync();
        var state = new GrainState<TestState>(State("stale in memory", 9), "some-etag") { RecordExists = true };

        await store.Storage.ReadStateAsync(StateName, Alice, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal("", state.State!.Owner);
        Assert.Equal(0, state.State!.Generation);
    }

    [BackendFact]
    public async Task WriteState_New_ThenRead_RoundTripsStateAndETag()
    {
        await using var store = await CreateStorageAsync();
        var written = new GrainState<TestState>(State("alice", 1));

        await store.Storage.WriteStateAsync(StateName, Alice, written);
        var read = new GrainState<TestState>();
        await store.Storage.ReadStateAsync(StateName, Alice, read);

        Assert.True(written.RecordExists);
        Assert.False(string.IsNullOrEmpty(written.ETag));
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("alice", read.State!.Owner);
        Assert.Equal(1, read.State!.Generation);
        Assert.Equal([new TestSession("s1", "web"), new TestSession("s2", "mobile")], read.State!.Sessions);
        Assert.Equal(written.State!.EndedAt, read.State!.EndedAt);
    }

    [BackendFact]
    public async Task WriteState_EachWrite_GetsANewETag()
    {
        await using var store = await CreateStorageAsync();
        var state = new GrainState<TestState>(State("alice", 1));

        await store.Storage.WriteStateAsync(StateName, Alice, state);
        var first = state.ETag;
        state.State!.Generation = 2;
        await store.Storage.WriteStateAsync(StateName, Alice, state);

        Assert.NotEqual(first, state.ETag);
        Assert.Equal(2, (await ReadAsync(store, Alice)).State!.Generation);
    }

    [BackendFact]
    public async Task WriteState_StaleETag_IsInconsistentState_AndKeepsTheStoredState()
    {
        await using var store = await CreateStorageAsync();
        var state = new GrainState<TestState>(State("alice", 1));
        await store.Storage.WriteStateAsync(StateName, Alice, state);
        var stale = state.ETag;
        state.State!.Generation = 2;
        await store.Storage.WriteStateAsync(StateName, Alice, state);

        var old = new GrainState<TestState>(State("alice", 3), stale);
        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => store.Storage.WriteStateAsync(StateName, Alice, old));

        if (ReportsETagsOnConflict)
        {
            Assert.Equal(state.ETag, refused.StoredEtag);
            Assert.Equal(stale, refused.CurrentEtag);
        }

        Assert.Equal(stale, old.ETag); // a refused write hands out no new ETag
        var stored = await ReadAsync(store, Alice);
        Assert.Equal(2, stored.State!.Generation);
        Assert.Equal(state.ETag, stored.ETag);
    }

    [BackendFact]
    public async Task WriteState_AfterAnotherWriterWroteSinceTheRead_IsInconsistentState()
    {
        await using var store = await CreateStorageAsync();
        await store.Storage.WriteStateAsync(StateName, Alice, new GrainState<TestState>(State("alice", 1)));
        var first = await ReadAsync(store, Alice);  // two activations read the same generation
        var second = await ReadAsync(store, Alice);

        second.State!.Generation = 2;
        await store.Storage.WriteStateAsync(StateName, Alice, second);
        first.State!.Generation = 2;

        await Assert.ThrowsAsync<InconsistentStateException>(() => store.Storage.WriteStateAsync(StateName, Alice, first));
        Assert.Equal(second.ETag, (await ReadAsync(store, Alice)).ETag);
    }

    [BackendFact]
    public async Task WriteState_InsertWhileARowExists_IsInconsistentState()
    {
        await using var store = await CreateStorageAsync();
        await store.Storage.WriteStateAsync(StateName, Alice, new GrainState<TestState>(State("alice", 1)));

        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() =>
            store.Storage.WriteStateAsync(StateName, Alice, new GrainState<TestState>(State("intruder", 1))));

        Assert.Null(refused.CurrentEtag);
        Assert.Equal("alice", (await ReadAsync(store, Alice)).State!.Owner);
    }

    [BackendFact]
    public async Task WriteState_ETagButNothingStored_IsInconsistentState()
    {
        await using var store = await CreateStorageAsync();

        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() =>
            store.Storage.WriteStateAsync(StateName, Alice, new GrainState<TestState>(State("alice", 1), "made-up")));

        Assert.Null(refused.StoredEtag);
        Assert.False((await ReadAsync(store, Alice)).RecordExists);
    }

    [BackendFact]
    public async Task ClearState_ThenInsertAgain_StartsFromNothing()
    {
        await using var store = await CreateStorageAsync();
        var state = new GrainState<TestState>(State("alice", 1));
        await store.Storage.WriteStateAsync(StateName, Alice, state);

        await store.Storage.ClearStateAsync(StateName, Alice, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.False((await ReadAsync(store, Alice)).RecordExists);
        Assert.Null(await store.ReadStoredDocumentAsync(StateName, Alice));
        var again = new GrainState<TestState>(State("alice again", 1));
        await store.Storage.WriteStateAsync(StateName, Alice, again);
        Assert.Equal("alice again", (await ReadAsync(store, Alice)).State!.Owner);
    }

    [BackendFact]
    public async Task WriteState_ETagFromBeforeAClearAndReinsert_IsInconsistentState()
    {
        await using var store = await CreateStorageAsync();
        var state = new GrainState<TestState>(State("alice", 1));
        await store.Storage.WriteStateAsync(StateName, Alice, state);
        var beforeClear = state.ETag;
        await store.Storage.ClearStateAsync(StateName, Alice, state);
        await store.Storage.WriteStateAsync(StateName, Alice, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            store.Storage.WriteStateAsync(StateName, Alice, new GrainState<TestState>(State("stale", 7), beforeClear)));
    }

    [BackendFact]
    public async Task ClearState_StaleETag_IsInconsistentState_AndKeepsTheRow()
    {
        await using var store = await CreateStorageAsync();
        var state = new GrainState<TestState>(State("alice", 1));
        await store.Storage.WriteStateAsync(StateName, Alice, state);
        var stale = state.ETag;
        await store.Storage.WriteStateAsync(StateName, Alice, state);

        var old = new GrainState<TestState>(State("alice", 1), stale) { RecordExists = true };
        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => store.Storage.ClearStateAsync(StateName, Alice, old));

        if (ReportsETagsOnConflict)
        {
            Assert.Equal(state.ETag, refused.StoredEtag);
        }

        Assert.True((await ReadAsync(store, Alice)).RecordExists);
    }

    [BackendFact]
    public async Task ClearState_NothingStoredAndNoETag_Succeeds()
    {
        await using var store = await CreateStorageAsync();
        var state = new GrainState<TestState>();

        await store.Storage.ClearStateAsync(StateName, Alice, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
    }

    [BackendFact]
    public async Task WriteState_TwoGrainsAndTwoStateNames_DoNotInterfere()
    {
        await using var store = await CreateStorageAsync();
        var alice = new GrainState<TestState>(State("alice", 1));
        var bob = new GrainState<TestState>(State("bob", 5));
        var aliceOther = new GrainState<TestState>(State("alice's other state", 8));

        await store.Storage.WriteStateAsync(StateName, Alice, alice);
        await store.Storage.WriteStateAsync(StateName, Bob, bob);
        await store.Storage.WriteStateAsync("other", Alice, aliceOther);
        await store.Storage.ClearStateAsync(StateName, Bob, bob);
        alice.State!.Generation = 2;
        await store.Storage.WriteStateAsync(StateName, Alice, alice);

        Assert.Equal(2, (await ReadAsync(store, Alice)).State!.Generation);
        Assert.False((await ReadAsync(store, Bob)).RecordExists);
        var other = new GrainState<TestState>();
        await store.Storage.ReadStateAsync("other", Alice, other);
        Assert.Equal("alice's other state", other.State!.Owner);
        Assert.Equal(aliceOther.ETag, other.ETag);
    }

    [BackendFact]
    public async Task WriteState_StoresPlainJson_WithoutTypeNames()
    {
        await using var store = await CreateStorageAsync();

        await store.Storage.WriteStateAsync(StateName, Alice, new GrainState<TestState>(State("alice", 1)));

        var document = await store.ReadStoredDocumentAsync(StateName, Alice);
        Assert.NotNull(document);
        Assert.DoesNotContain("$type", document, StringComparison.Ordinal);
        Assert.DoesNotContain(typeof(TestState).FullName!, document, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(document);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, json.RootElement.ValueKind);
        Assert.Contains("alice", document, StringComparison.Ordinal);
    }

    protected static TestState State(string owner, int generation) => new()
    {
        Owner = owner,
        Generation = generation,
        Sessions = [new TestSession("s1", "web"), new TestSession("s2", "mobile")],
        EndedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero),
    };

    protected static async Task<GrainState<TestState>> ReadAsync(GrainStorageUnderTest store, GrainId grainId)
    {
        ArgumentNullException.ThrowIfNull(store);
        var state = new GrainState<TestState>();
        await store.Storage.ReadStateAsync(StateName, grainId, state);
        return state;
    }
}
