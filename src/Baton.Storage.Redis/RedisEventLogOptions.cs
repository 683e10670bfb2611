namespace Baton.Storage.Redis;

/// <summary>Where and how long <see cref="RedisEventLog"/> keeps what it needs besides the streams.</summary>
public sealed class RedisEventLogOptions
{
    /// <summary>
    /// The prefix of every key, used as a hash tag (<c>{baton}:revocations</c>, <c>{baton}:audit:alice</c>,
    /// ...): one append touches several keys in one script, so they must share a slot on a Redis Cluster.
    /// Default <c>baton</c>; no braces.
    /// </summary>
    public string KeyPrefix { get; set; } = "baton";

    /// <summary>
    /// The most audit entries kept per user (<c>XADD MAXLEN ~</c>, so a few more may stay), besides
    /// the retention by age: a user who refreshes every few minutes for the 90 days of audit retention
    /// would otherwise keep tens of thousands of rotations in Redis's memory. The newest are kept,
    /// which is what <c>GET /v1/me/audit</c> and the admin's view read. Default 1000.
    /// </summary>
    public int AuditEntriesPerUser { get; set; } = 1000;
}
