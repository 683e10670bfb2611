using System.Collections.Concurrent;
using System.Net;
using StackExchange.Redis;

namespace Baton.LoadTest;

/// <summary>
/// Each user's ledger as Orleans' Redis grain storage keeps a grain's state (<see cref="RedisEtagWrite"/>):
/// one <c>EVALSHA</c> per write, with the etag of the previous write held in memory as a grain
/// activation holds it, and a user's writes one at a time as a grain's turns are. The keys are
/// this process's own and are deleted when it ends.
/// </summary>
internal sealed class RedisLedgerWrites : ILedgerWrites
{
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly byte[] _sha;
    private readonly string _prefix = $"baton-bare-{Environment.ProcessId}/state/usersession/";
    private readonly ConcurrentDictionary<string, Ledger> _ledgers = new(StringComparer.Ordinal);

    private RedisLedgerWrites(ConnectionMultiplexer redis, byte[] sha)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        _sha = sha;
    }

    public static async Task<RedisLedgerWrites> ConnectAsync(EndPoint endpoint)
    {
        var redis = await RedisEtagWrite.ConnectAsync(endpoint);
        return new RedisLedgerWrites(redis, await RedisEtagWrite.LoadAsync(redis));
    }

    public async Task WriteAsync(string user, string jti)
    {
        var ledger = _ledgers.GetOrAdd(user, static _ => new Ledger());
        await ledger.Turn.WaitAsync();
        try
        {
            var etag = Guid.NewGuid().ToString("N");
            var stale = (int)await _db.ScriptEvaluateAsync(_sha, [Key(user)], [ledger.Etag, etag, RedisEtagWrite.Ledger, RedisEtagWrite.NoExpiry]) == -1;
            if (stale)
            {
                throw new InvalidOperationException($"The stored etag of {user} changed under the bare refresh: another writer uses its keys.");
            }

            ledger.Etag = etag;
        }
        finally
        {
            ledger.Turn.Release();
        }
    }

    private RedisKey Key(string user) => _prefix + user + "/ledger";

    public async ValueTask DisposeAsync()
    {
        foreach (var keys in _ledgers.Keys.Select(Key).Chunk(1000))
        {
            await _db.KeyDeleteAsync(keys);
        }

        await _redis.DisposeAsync();
    }

    private sealed class Ledger
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public string Etag { get; set; } = "";
    }
}
