using Baton.Testing.Redis;
using StackExchange.Redis;

namespace Baton.Storage.Tests.Redis;

/// <summary>One multiplexer on the shared test server for the whole run, and removal of a test's keys.</summary>
public static class RedisTestConnection
{
    private static readonly Lazy<Task<ConnectionMultiplexer>> Shared = new(async () => await (await RedisServer.SharedAsync()).ConnectAsync());

    public static Task<ConnectionMultiplexer> SharedAsync() => Shared.Value;

    /// <summary>A prefix no other test uses, so tests share one server (the configured one too) without seeing each other's keys.</summary>
    public static string UniquePrefix(string kind) => $"test-{kind}-{Guid.NewGuid():N}";

    /// <summary>Deletes every key matching <paramref name="pattern"/> (SCAN, not KEYS), so a configured server is left as it was.</summary>
    public static async Task DeleteKeysAsync(IConnectionMultiplexer connection, string pattern)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var database = connection.GetDatabase();
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (server.IsReplica || !server.IsConnected)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: pattern))
            {
                await database.KeyDeleteAsync(key);
            }
        }
    }
}
