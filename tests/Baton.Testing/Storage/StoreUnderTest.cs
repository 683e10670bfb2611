using Baton.Core.Audit;
using Baton.Core.Storage;
using Baton.Core.Users;

namespace Baton.Testing.Storage;

/// <summary>
/// One store instance as the contract tests see it: every store interface, plus a way to open a
/// second instance on the same database (a second node) and to clean up.
/// </summary>
public sealed class StoreUnderTest(object store, Func<Task<StoreUnderTest>> openAnother, Func<ValueTask> cleanup) : IAsyncDisposable
{
    public IUserStore Users { get; } = (IUserStore)store;

    public IAuditLog Audit { get; } = (IAuditLog)store;

    public IRevocationLog Revocations { get; } = (IRevocationLog)store;

    public ISigningKeyStore Keys { get; } = (ISigningKeyStore)store;

    public IStoreMigrator Migrator { get; } = (IStoreMigrator)store;

    /// <summary>Another, already migrated, instance on the same database.</summary>
    public Task<StoreUnderTest> OpenAnotherAsync() => openAnother();

    public ValueTask DisposeAsync() => cleanup();
}
