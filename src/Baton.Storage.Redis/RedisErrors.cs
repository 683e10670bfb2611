using Baton.Core.Storage;
using StackExchange.Redis;

namespace Baton.Storage.Redis;

/// <summary>Translates Redis outages into the storage-neutral <see cref="StoreUnavailableException"/> (I7, fail closed).</summary>
internal static class RedisErrors
{
    /// <summary>Error codes (the first word of a Redis error) of a server that cannot serve now but will.</summary>
    private static readonly HashSet<string> UnavailableCodes = new(StringComparer.Ordinal) { "LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS" };

    public static async Task<T> RunAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation().WaitAsync(cancellationToken);
        }
        catch (Exception e) when (Unavailable(e))
        {
            throw new StoreUnavailableException("Redis is unavailable; the event log cannot be read or written now.", e);
        }
    }

    private static bool Unavailable(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => UnavailableCodes.Contains(Code(server.Message)),
        _ => false,
    };

    private static string Code(string message)
    {
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? message : message[..space];
    }
}
