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
    /// How long an appended event's id is remembered, so that a repeated delivery is dropped. At least
    /// the longest retention of the streams (the audit log's, default 90 days): by the time an id is
    /// forgotten, its entry has been trimmed too, so the log never holds one event twice. Default 90 days.
    /// </summary>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromDays(90);
}
