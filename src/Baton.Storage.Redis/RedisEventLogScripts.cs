namespace Baton.Storage.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisEventLog"/>. A script runs atomically, so the id check, the
/// stream appends and the notice of one append cannot interleave with another node's append.
/// </summary>
internal static class RedisEventLogScripts
{
    /// <summary>
    /// The next id of a stream for an event at <c>ms</c>: its own millisecond if that is after the
    /// stream's newest entry, else the newest entry's millisecond with the next sequence number; from
    /// the sequence limit on (cursors hold 20 bits of it), the next millisecond. So ids follow the
    /// events' time (retention trims and followers start by it) and never go back.
    /// </summary>
    private const string NextId = """
        local function splitId(id)
          local dash = string.find(id, '-', 1, true)
          return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
        end
        local function nextId(key, ms)
          local newest = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
          if #newest > 0 then
            local lastMs, lastSeq = splitId(newest[1][1])
            if ms <= lastMs then
              if lastSeq + 1 >= 1048576 then
                return string.format('%d-0', lastMs + 1)
              end
              return string.format('%d-%d', lastMs, lastSeq + 1)
            end
          end
          if ms == 0 then
            return '0-1'
          end
          return string.format('%d-0', ms)
        end
        """;

    /// <summary>
    /// Appends a batch of events in order. KEYS: revocation stream, audit user index, the hash of
    /// each producer's highest delivered sequence, then per event its user's audit stream. ARGV:
    /// notice channel, event count, most audit entries kept per user, then per event: time (ms), user
    /// id, producer, sequence, audit field count and pairs, revocation field count and pairs. An event
    /// whose sequence is at or below its producer's delivered one is a repeat and is skipped whole (an
    /// outbox delivers its events in sequence order, so one number per producer is the whole memory
    /// of what was delivered). Returns the number appended and the newest revocation id ('' for none);
    /// the revocations appended are also published on the channel, as a JSON array of their stream
    /// entries' fields and ids, so a follower can act on them before it reads the stream.
    /// </summary>
    public const string Append = NextId + """

        local channel, count, perUser = ARGV[1], tonumber(ARGV[2]), ARGV[3]
        local a = 4
        local appended, newest, ended = 0, '', {}
        for i = 1, count do
          local audit = KEYS[3 + i]
          local at, user, producer, sequence = tonumber(ARGV[a]), ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
          local auditFields = {}
          for j = 1, 2 * tonumber(ARGV[a + 4]) do auditFields[j] = ARGV[a + 4 + j] end
          a = a + 5 + #auditFields
          local revocationFields = {}
          for j = 1, 2 * tonumber(ARGV[a]) do revocationFields[j] = ARGV[a + j] end
          a = a + 1 + #revocationFields
          local delivered = tonumber(redis.call('HGET', KEYS[3], producer) or '0')
          if sequence > delivered then
            redis.call('HSET', KEYS[3], producer, sequence)
            local id = redis.call('XADD', audit, 'MAXLEN', '~', perUser, nextId(audit, at), unpack(auditFields))
            redis.call('ZADD', KEYS[2], 'NX', (splitId(id)), user)
            appended = appended + 1
            if #revocationFields > 0 then
              newest = redis.call('XADD', KEYS[1], nextId(KEYS[1], at), unpack(revocationFields))
              local entry = {id = newest}
              for j = 1, #revocationFields, 2 do entry[revocationFields[j]] = revocationFields[j + 1] end
              ended[#ended + 1] = entry
            end
          end
        end
        if newest ~= '' then
          redis.call('PUBLISH', channel, cjson.encode(ended))
        end
        return {appended, newest}
        """;

    /// <summary>
    /// One batch of the revocation purge. KEYS: the revocation stream. ARGV: before (ms), batch size.
    /// Trims (XTRIM MINID, exact) the oldest entries before the time, at most a batch, never the
    /// newest entry of all. Returns the number deleted and the last id deleted ('' for none).
    /// </summary>
    public const string PurgeRevocations = """
        local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if #newest == 0 or tonumber(ARGV[1]) <= 0 then
          return {0, ''}
        end
        local old = redis.call('XRANGE', KEYS[1], '-', '(' .. ARGV[1] .. '-0', 'COUNT', ARGV[2])
        local n = #old
        if n > 0 and old[n][1] == newest[1][1] then
          n = n - 1
        end
        if n == 0 then
          return {0, ''}
        end
        local last = old[n][1]
        local dash = string.find(last, '-', 1, true)
        local minId = string.format('%d-%d', tonumber(string.sub(last, 1, dash - 1)), tonumber(string.sub(last, dash + 1)) + 1)
        return {redis.call('XTRIM', KEYS[1], 'MINID', '=', minId), last}
        """;

    /// <summary>
    /// One batch of the audit purge over the users the caller found in the index with entries before
    /// the time. KEYS: the audit user index, then each user's audit stream. ARGV: before (ms), then the
    /// user ids. Trims each stream by time (XTRIM MINID), deletes a stream left empty and its index
    /// entry, and scores the others by their oldest entry left. Returns the number of entries deleted.
    /// </summary>
    public const string PurgeAudit = """
        local deleted = 0
        for i = 2, #KEYS do
          deleted = deleted + redis.call('XTRIM', KEYS[i], 'MINID', '=', ARGV[1])
          local oldest = redis.call('XRANGE', KEYS[i], '-', '+', 'COUNT', 1)
          if #oldest == 0 then
            redis.call('DEL', KEYS[i])
            redis.call('ZREM', KEYS[1], ARGV[i])
          else
            local id = oldest[1][1]
            redis.call('ZADD', KEYS[1], 'XX', tonumber(string.sub(id, 1, string.find(id, '-', 1, true) - 1)), ARGV[i])
          end
        end
        return deleted
        """;
}
