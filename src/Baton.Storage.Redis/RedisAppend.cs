using StackExchange.Redis;

namespace Baton.Storage.Redis;

/// <summary>
/// One append's share of an append script call, checked and encoded by its caller (so a bad event
/// fails its own append only, before anything is queued): per event its user's audit stream key and
/// its arguments (see <see cref="RedisEventLogScripts.Append"/>).
/// </summary>
internal sealed record RedisAppend(RedisKey[] AuditKeys, RedisValue[] Values)
{
    /// <summary>The number of events.</summary>
    public int Count => AuditKeys.Length;
}
