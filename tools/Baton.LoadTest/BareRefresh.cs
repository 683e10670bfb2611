using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Baton.LoadTest;

/// <summary>
/// The least a durable refresh can do, as the ceiling of Baton's refresh: verify an HMAC-signed
/// refresh token, write one row to a SQLite file in WAL mode with <c>synchronous=FULL</c> (writes
/// that queue meanwhile commit together, one transaction and one sync, as Baton's grain storage
/// commits them), mint the next refresh token (HMAC) and sign an access token (ES256). No grain,
/// no ledger, no policy, no event log: what is left of Baton's refresh when the design is taken away.
/// </summary>
internal sealed class BareRefresh : IAsyncDisposable
{
    /// <summary>A fixed key: the client mints the tokens it presents with it (a baseline, not a secret).</summary>
    private static readonly byte[] Key = SHA256.HashData("baton load test bare refresh"u8);

    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"rt+jwt"}"""u8);
    private static readonly string AccessHeader = Base64Url.EncodeToString("""{"alg":"ES256","kid":"bare","typ":"at+jwt"}"""u8);

    /// <summary>A ledger-sized document, written with every rotation.</summary>
    private static readonly string Document = new('x', 400);

    private readonly ECDsa _signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Channel<(string User, string Jti, TaskCompletionSource Done)> _queue = Channel.CreateBounded<(string, string, TaskCompletionSource)>(4096);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"baton-bare-refresh-{Environment.ProcessId}.db");
    private readonly Task _writer;

    public BareRefresh() => _writer = Task.Run(WriteLoop);

    /// <summary>The refresh token of user <paramref name="user"/>, as the client presents it.</summary>
    public static string Token(int user) =>
        Mint(JsonSerializer.SerializeToUtf8Bytes(new { sub = $"user-{user}", sid = $"session-{user}", jti = Guid.NewGuid().ToString("N"), exp = DateTimeOffset.UtcNow.AddDays(7).ToUnixTimeSeconds() }));

    /// <summary>Verifies, writes, mints; null when the token does not verify.</summary>
    public async Task<object?> RotateAsync(string token)
    {
        var dot = token.LastIndexOf('.');
        if (dot < 0 || !Base64Url.IsValid(token.AsSpan(dot + 1)))
        {
            return null;
        }

        var expected = HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(token, 0, dot));
        if (!CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(token.AsSpan(dot + 1))))
        {
            return null;
        }

        var first = token.IndexOf('.', StringComparison.Ordinal);
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(token.AsSpan(first + 1, dot - first - 1)));
        var user = claims.RootElement.GetProperty("sub").GetString()!;
        var sid = claims.RootElement.GetProperty("sid").GetString()!;
        var jti = Guid.NewGuid().ToString("N");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((user, jti, done));
        await done.Task;

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var refresh = Mint(JsonSerializer.SerializeToUtf8Bytes(new { sub = user, sid, jti, exp = now + 604_800 }));
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new { iss = "http://localhost", aud = "baton", sub = user, sid, jti = Guid.NewGuid().ToString("N"), iat = now, exp = now + 900, client_id = "baton" }));
        var input = AccessHeader + "." + payload;
        var access = input + "." + Base64Url.EncodeToString(_signer.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256));
        return new { access_token = access, token_type = "Bearer", expires_in = 900, refresh_token = refresh, refresh_expires_in = 604_800, session_id = sid };
    }

    private static string Mint(byte[] claims)
    {
        var input = Header + "." + Base64Url.EncodeToString(claims);
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(input)));
    }

    private async Task WriteLoop()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS sessions (user_id TEXT PRIMARY KEY, jti TEXT NOT NULL, generation INTEGER NOT NULL, document TEXT NOT NULL);
                """;
            setup.ExecuteNonQuery();
        }

        using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO sessions (user_id, jti, generation, document) VALUES ($user, $jti, 1, $document)
            ON CONFLICT (user_id) DO UPDATE SET jti = excluded.jti, generation = generation + 1, document = excluded.document
            """;
        var userParameter = upsert.Parameters.Add("$user", SqliteType.Text);
        var jtiParameter = upsert.Parameters.Add("$jti", SqliteType.Text);
        upsert.Parameters.AddWithValue("$document", Document);
        var batch = new List<TaskCompletionSource>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            using (var transaction = connection.BeginTransaction())
            {
                upsert.Transaction = transaction;
                while (batch.Count < 512 && _queue.Reader.TryRead(out var write))
                {
                    userParameter.Value = write.User;
                    jtiParameter.Value = write.Jti;
                    upsert.ExecuteNonQuery();
                    batch.Add(write.Done);
                }

                transaction.Commit();
            }

            foreach (var done in batch)
            {
                done.SetResult();
            }

            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        _signer.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
