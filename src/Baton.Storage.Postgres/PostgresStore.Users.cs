using Baton.Core.Users;
using Npgsql;

namespace Baton.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string UserColumns = "id, username, normalized_username, password_hash, roles, security_stamp, failed_login_count, locked_until, created_at";

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(UserAccount user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return RunAsync(async connection => await ExecuteAsync(connection,
            // Either unique key refuses: the normalized username, or the confusable skeleton (a look-alike).
            $"INSERT INTO users ({UserColumns}, username_skeleton) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
            cancellationToken,
            user.Id, user.Username, user.NormalizedUsername, user.PasswordHash, user.Roles.IsDefault ? Array.Empty<string>() : user.Roles.ToArray(),
            user.SecurityStamp, user.FailedLoginCount, user.LockedUntil, user.CreatedAt, user.UsernameSkeleton).ConfigureAwait(false) == 1, retry: false, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserAccount?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        RunAsync(connection => ReadUserAsync(connection, $"SELECT {UserColumns} FROM users WHERE id = $1", cancellationToken, userId), retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<UserAccount?> FindByUsernameAsync(string normalizedUsername, CancellationToken cancellationToken) =>
        RunAsync(connection => ReadUserAsync(connection, $"SELECT {UserColumns} FROM users WHERE normalized_username = $1", cancellationToken, normalizedUsername), retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<UserAccount?> RecordFailedLoginAsync(string userId, DateTimeOffset now, int maxFailures, TimeSpan lockout, CancellationToken cancellationToken) =>
        RunAsync(connection => ReadUserAsync(connection,
            // One statement, so parallel failures cannot lose increments; reaching the limit locks and restarts the count.
            $"""
            UPDATE users SET
                locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN $3 ELSE locked_until END,
                failed_login_count = CASE WHEN failed_login_count + 1 >= $2 THEN 0 ELSE failed_login_count + 1 END
            WHERE id = $1
            RETURNING {UserColumns}
            """,
            cancellationToken, userId, maxFailures, now + lockout), retry: false, cancellationToken);

    /// <inheritdoc />
    public Task RecordSuccessfulLoginAsync(string userId, string? rehashedPassword, CancellationToken cancellationToken) =>
        RunAsync(connection => ExecuteAsync(connection,
            "UPDATE users SET failed_login_count = 0, password_hash = COALESCE($2, password_hash) WHERE id = $1",
            cancellationToken, userId, rehashedPassword), retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetPasswordAsync(string userId, string passwordHash, string securityStamp, CancellationToken cancellationToken) =>
        RunAsync(async connection => await ExecuteAsync(connection,
            "UPDATE users SET password_hash = $2, security_stamp = $3, failed_login_count = 0 WHERE id = $1",
            cancellationToken, userId, passwordHash, securityStamp).ConfigureAwait(false) == 1, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetRolesAsync(string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken) =>
        RunAsync(async connection => await ExecuteAsync(connection,
            "UPDATE users SET roles = $2 WHERE id = $1",
            cancellationToken, userId, roles.ToArray()).ConfigureAwait(false) == 1, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ClearLockoutAsync(string userId, CancellationToken cancellationToken) =>
        RunAsync(async connection => await ExecuteAsync(connection,
            "UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $1",
            cancellationToken, userId).ConfigureAwait(false) == 1, retry: true, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken) =>
        RunAsync(async connection => await ExecuteAsync(connection,
            "DELETE FROM users WHERE id = $1",
            cancellationToken, userId).ConfigureAwait(false) == 1, retry: false, cancellationToken);

    /// <summary>
    /// Gives accounts without a skeleton (created before migration 3, or by an older node) theirs,
    /// oldest first, and their lookup key as NFKC really computes it (before, normalization did
    /// nothing outside ASCII, so "Jose\u0301" was stored apart from "José"). Of two old accounts that
    /// look alike the younger keeps no skeleton, or its old key: both stay, and the older one already
    /// refuses a third. A registration committing the same key meanwhile makes the update fail on
    /// the unique index; the next attempt sees it and skips that row.
    /// </summary>
    private async Task BackfillSkeletonsAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunAsync(async connection =>
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock($1)", cancellationToken, PostgresMigrations.AdvisoryLockKey).ConfigureAwait(false);
                    var ids = new List<string>();
                    var normalizedNames = new List<string>();
                    var skeletons = new List<string>();
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    var seenNames = new HashSet<string>(StringComparer.Ordinal);
                    await using (var command = Command(connection, "SELECT id, username FROM users WHERE username_skeleton IS NULL ORDER BY created_at, id"))
                    await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            if (KeysOf(reader.GetString(1)) is ({ } normalized, { } skeleton))
                            {
                                // Within the batch, too, the oldest keeps a key two rows share (null: no change).
                                ids.Add(reader.GetString(0));
                                normalizedNames.Add(seenNames.Add(normalized) ? normalized : null!);
                                skeletons.Add(seen.Add(skeleton) ? skeleton : null!);
                            }
                        }
                    }

                    if (ids.Count > 0)
                    {
                        await ExecuteAsync(connection, """
                            UPDATE users SET
                                normalized_username = CASE WHEN m.normalized IS NULL
                                    OR EXISTS (SELECT 1 FROM users taken WHERE taken.normalized_username = m.normalized AND taken.id <> users.id)
                                    THEN users.normalized_username ELSE m.normalized END,
                                username_skeleton = CASE WHEN EXISTS (SELECT 1 FROM users taken WHERE taken.username_skeleton = m.skeleton)
                                    THEN NULL ELSE m.skeleton END
                            FROM unnest($1::text[], $2::text[], $3::text[]) AS m (id, normalized, skeleton)
                            WHERE users.id = m.id AND users.username_skeleton IS NULL
                            """, cancellationToken, ids.ToArray(), normalizedNames.ToArray(), skeletons.ToArray()).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }, retry: true, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 3)
            {
                // A registration took one of the skeletons between the read and the update: read again.
            }
        }
    }

    /// <summary>An old username that cannot be normalized (registered before the rules) keeps what it has.</summary>
    private static (string Normalized, string Skeleton)? KeysOf(string username) =>
        UsernameNormalizer.TryNormalize(username, out var normalized) ? (normalized, UsernameNormalizer.Skeleton(username)) : null;

    private static async Task<UserAccount?> ReadUserAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new UserAccount(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            [.. reader.GetFieldValue<string[]>(4)],
            reader.GetString(5),
            reader.GetInt32(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            reader.GetFieldValue<DateTimeOffset>(8));
    }
}
