using Orleans.Runtime;
using Orleans.Storage;

namespace Baton.Storage.Tests.Contracts;

/// <summary>A backend's grain storage for one test, with a look at what it stored.</summary>
public abstract class GrainStorageUnderTest : IAsyncDisposable
{
    /// <summary>The provider under test, on an empty store.</summary>
    public abstract IGrainStorage Storage { get; }

    /// <summary>The stored document of one grain's state, as the backend holds it (null: none).</summary>
    public abstract Task<string?> ReadStoredDocumentAsync(string stateName, GrainId grainId);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}
