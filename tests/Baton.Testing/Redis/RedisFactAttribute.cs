namespace Baton.Testing.Redis;

/// <summary>
/// A test that needs Redis. It is skipped, with the reason, only where redis-server is not
/// installed and <c>BATON_TEST_REDIS</c> is not set, and never when <c>CI</c> is set: there it runs
/// and fails if no server can be had.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
