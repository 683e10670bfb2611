using System.Net;
using StackExchange.Redis;

namespace Baton.LoadTest;

/// <summary>
/// The write Orleans' Redis grain storage does for every grain state write, taken as the store's
/// share of a refresh: a hash with the fields <c>data</c> and <c>etag</c>, and one script that
/// compares the stored etag with the one the writer last saw and, when they match, writes the
/// new etag and the data. <see cref="Script"/> is <c>WriteScript</c> of
/// <c>RedisGrainStorage.WriteStateAsync</c> in dotnet/orleans
/// (src/Redis/Orleans.Persistence.Redis/Storage/RedisGrainStorage.cs, main at e558829b), character
/// for character, and the same text is in Microsoft.Orleans.Persistence.Redis 10.4.2's assembly,
/// which Baton uses. Its arguments are Orleans' too: the etag read, a new
/// <c>Guid.ToString("N")</c>, the serialized state, and the entry expiry in seconds, <c>-1</c>
/// because Baton never sets <c>EntryExpiry</c>. Orleans passes the script text to
/// StackExchange.Redis' <c>ScriptEvaluateAsync</c>, which sends it as <c>EVALSHA</c> once the
/// server knows it; the baselines load it once (<c>SCRIPT LOAD</c>) and always send <c>EVALSHA</c>.
/// </summary>
internal static class RedisEtagWrite
{
    public const string Script =
        """
        local etag = redis.call('HGET', KEYS[1], 'etag')
        if ((not etag or etag == '') and (not ARGV[1] or ARGV[1] == '')) or etag == ARGV[1] then
          redis.call('HMSET', KEYS[1], 'etag', ARGV[2], 'data', ARGV[3])
          if ARGV[4] ~= '-1' then
            redis.call('EXPIRE', KEYS[1], ARGV[4])
          end
          return 0
        else
          return -1
        end
        """;

    /// <summary>The script's fourth argument: no expiry, as Baton configures Orleans.</summary>
    public const string NoExpiry = "-1";

    /// <summary>A ledger-sized value (a user's ledger as JSON, a few sessions), written with every rotation.</summary>
    public static readonly string Ledger = new('x', 400);

    /// <summary>
    /// <paramref name="value"/> as <c>host:port</c> when it names this machine, or null (the load
    /// tool measures only what runs here, as with <c>--url</c>).
    /// </summary>
    public static DnsEndPoint? Loopback(string value) =>
        Uri.TryCreate("tcp://" + value, UriKind.Absolute, out var uri) && uri.IsLoopback && !uri.IsDefaultPort && uri.AbsolutePath == "/"
            ? new DnsEndPoint(uri.DnsSafeHost, uri.Port)
            : null;

    /// <summary>A connection to the Redis at <paramref name="endpoint"/>, failing at once when it is not there.</summary>
    public static Task<ConnectionMultiplexer> ConnectAsync(EndPoint endpoint) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { endpoint }, AbortOnConnectFail = true, ConnectTimeout = 2000 });

    /// <summary>Loads <see cref="Script"/> into the server's script cache; its SHA1, for <c>EVALSHA</c>.</summary>
    public static async Task<byte[]> LoadAsync(IConnectionMultiplexer redis) =>
        await redis.GetServer(redis.GetEndPoints()[0]).ScriptLoadAsync(Script);

    /// <summary><c>host:port</c> as the command line and the report show it.</summary>
    public static string Name(DnsEndPoint endpoint) => $"{endpoint.Host}:{endpoint.Port}";
}
