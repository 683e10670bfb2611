using System.Net;
using System.Net.Sockets;
using Baton.Grains;
using Baton.Storage.Sqlite;

namespace Baton.Silo;

/// <summary>
/// How a Baton silo is built (STYLE.md: one extension per role, used by every host). Today the
/// embedded default; the Redis cluster adds its clustering and storage here beside it.
/// </summary>
public static class BatonSiloExtensions
{
    /// <summary>The Orleans service id: grain state written under it stays readable by any cluster of Baton.</summary>
    public const string ServiceId = "baton";

    /// <summary>The grain storage providers Baton's grains name in their <c>[PersistentState]</c>.</summary>
    public static IReadOnlyList<string> StorageNames { get; } = ["sessions", "accounts", "keys"];

    /// <summary>
    /// The embedded default (DESIGN.md §2): one silo on localhost clustering, its port on loopback
    /// only and no gateway unless configured (SECURITY.md 42: anything that reaches either can call
    /// any grain), Baton's grains, and their state in the SQLite file of <see cref="SqliteStoreOptions"/>.
    /// </summary>
    public static ISiloBuilder AddBatonEmbeddedSilo(this ISiloBuilder silo, SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        silo.UseLocalhostClustering(options.SiloPort ?? FreeLoopbackPort(), options.GatewayPort ?? 0, serviceId: ServiceId, clusterId: "baton-embedded");
        silo.AddBatonGrains();
        foreach (var name in StorageNames)
        {
            silo.AddSqliteGrainStorage(name);
        }

        return silo;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
