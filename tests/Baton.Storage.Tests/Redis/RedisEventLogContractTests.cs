using Baton.Core.Audit;
using Baton.Storage.Redis;
using Baton.Storage.Tests.Contracts;
using Baton.Testing.Storage;
using StackExchange.Redis;

namespace Baton.Storage.Tests.Redis;

/// <summary>The event log contract on <see cref="RedisEventLog"/>, on keys of its own per test on the shared test server.</summary>
[RequiresRedis]
public sealed class RedisEventLogContractTests : EventLogContractTests
{
    protected override async Task<EventLogUnderTest> CreateLogAsync()
    {
        var connection = await RedisTestConnection.SharedAsync();
        var prefix = RedisTestConnection.UniquePrefix("log");
        return new RedisLogUnderTest(connection, prefix, new RedisEventLog(connection, new RedisEventLogOptions { KeyPrefix = prefix }));
    }

    private sealed class RedisLogUnderTest(IConnectionMultiplexer connection, string prefix, RedisEventLog log) : EventLogUnderTest
    {
        public override IEventLog Log => log;

        public override IAuditLog Audit => log;

        public override IRevocationLog Revocations => log;

        public override async ValueTask DisposeAsync()
        {
            await log.DisposeAsync();
            await RedisTestConnection.DeleteKeysAsync(connection, $"{{{prefix}}}:*");
        }
    }
}
