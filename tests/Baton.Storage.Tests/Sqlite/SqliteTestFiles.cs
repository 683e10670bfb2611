using Baton.Storage.Sqlite;
using Baton.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization.Serializers;
using Orleans.Serialization;
using Orleans.Storage;

namespace Baton.Storage.Tests.Sqlite;

/// <summary>A temporary directory per test class instance, and the real Orleans pieces a provider is built from.</summary>
public sealed class SqliteTestFiles : IDisposable
{
    private static readonly Lazy<IServiceProvider> Orleans = new(() => new ServiceCollection().AddSerializer().BuildServiceProvider());

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("baton-storage-").FullName;

    public string DatabasePath => Path.Combine(Directory, "nested", "baton.db");

    public static IActivatorProvider Activators => Orleans.Value.GetRequiredService<IActivatorProvider>();

    /// <summary>Orleans' System.Text.Json storage serializer, as the registration defaults to.</summary>
    public static IGrainStorageSerializer Serializer => ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(Orleans.Value);

    public SqliteDatabase OpenDatabase(Action<SqliteStoreOptions>? configure = null, string? path = null)
    {
        var options = new SqliteStoreOptions { Path = path ?? DatabasePath };
        configure?.Invoke(options);
        return new SqliteDatabase(options, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
    }

    public static SqliteGrainStorage Storage(SqliteDatabase database) => new("sessions", database, Serializer, Activators);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
