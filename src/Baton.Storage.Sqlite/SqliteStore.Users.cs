using System.Collections.Immutable;
using System.Text.Json;
using Baton.Core.Users;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string UserColumns = "id, username, normalized_username, password_hash, roles, security_stamp, failed_login_count, locked_until, created_at";

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(UserAccount user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return RunAsync(connection => Execute(connection,
            // Either unique key refuses: the normalized username, or the confusable skeleton (a look-alike).
            $"INSERT INTO users ({UserColumns}, username_skeleton) VALUES ($id, $name, $normalized, $hash, $roles, $stamp, $failures, $locked, $created, $skeleton) ON CONFLICT DO NOTHING",
            ("$id", user.Id), ("$name", user.Username), ("$normalized", user.NormalizedUsername), ("$skeleton", user.UsernameSkeleton), ("$hash", user.PasswordHash),
            ("$roles", RolesJson(user.Roles)), ("$stamp", user.SecurityStamp), ("$failures", user.FailedLoginCount),
            ("$locked", Millis(user.LockedUntil)), ("$created", user.CreatedAt.ToUnixTimeMilliseconds())) == 1, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserAccount?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        RunAsync(connection => ReadUser(connection, $"SELECT {UserColumns} FROM users WHERE id = $v", userId), cancellationToken);

    /// <inheritdoc />
    public Task<UserAccount?> FindByUsernameAsync(string normalizedUsername, CancellationToken cancellationToken) =>
        RunAsync(connection => ReadUser(connection, $"SELECT {UserColumns} FROM users WHERE normalized_username = $v", normalizedUsername), cancellationToken);

    /// <inheritdoc />
    public Task<UserAccount?> RecordFailedLoginAsync(string userId, DateTimeOffset now, int maxFailures, TimeSpan lockout, CancellationToken cancellationToken) =>
        RunAsync(connection => ReadUser(connection,
            // One statement, so parallel failures cannot lose increments; reaching the limit locks and restarts the count.
            $"""
            UPDATE users SET
                locked_until = CASE WHEN failed_login_count + 1 >= $max THEN $until ELSE locked_until END,
                failed_login_count = CASE WHEN failed_login_count + 1 >= $max THEN 0 ELSE failed_login_count + 1 END
            WHERE id = $v
            RETURNING {UserColumns}
            """,
            userId, ("$max", maxFailures), ("$until", (now + lockout).ToUnixTimeMilliseconds())), cancellationToken);

    /// <inheritdoc />
    public Task RecordSuccessfulLoginAsync(string userId, string? rehashedPassword, CancellationToken cancellationToken) =>
        RunAsync(connection => Execute(connection,
            "UPDATE users SET failed_login_count = 0, password_hash = COALESCE($hash, password_hash) WHERE id = $id",
            ("$id", userId), ("$hash", rehashedPassword)), cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetPasswordAsync(string userId, string passwordHash, string securityStamp, CancellationToken cancellationToken) =>
        RunAsync(connection => Execute(connection,
            "UPDATE users SET password_hash = $hash, security_stamp = $stamp, failed_login_count = 0 WHERE id = $id",
            ("$id", userId), ("$hash", passwordHash), ("$stamp", securityStamp)) == 1, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetRolesAsync(string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken) =>
        RunAsync(connection => Execute(connection,
            "UPDATE users SET roles = $roles WHERE id = $id",
            ("$id", userId), ("$roles", RolesJson([.. roles]))) == 1, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ClearLockoutAsync(string userId, CancellationToken cancellationToken) =>
        RunAsync(connection => Execute(connection,
            "UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $id",
            ("$id", userId)) == 1, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken) =>
        RunAsync(connection => Execute(connection, "DELETE FROM users WHERE id = $id", ("$id", userId)) == 1, cancellationToken);

    /// <summary>
    /// Gives accounts without a skeleton (created before migration 3, or by an older node) theirs,
    /// oldest first, and their lookup key as NFKC really computes it (before, normalization did
    /// nothing outside ASCII, so "Jose\u0301" was stored apart from "José"). Of two old accounts that
    /// look alike the younger keeps no skeleton, or its old key: both stay, and the older one already
    /// refuses a third.
    /// </summary>
    private static void BackfillSkeletons(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var missing = new List<(string Id, string Username)>();
        using (var command = Command(connection, "SELECT id, username FROM users WHERE username_skeleton IS NULL ORDER BY created_at, id"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                missing.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (id, username) in missing)
        {
            if (KeysOf(username) is ({ } normalized, { } skeleton))
            {
                Execute(connection, "UPDATE OR IGNORE users SET normalized_username = $normalized WHERE id = $id", ("$id", id), ("$normalized", normalized));
                Execute(connection, "UPDATE OR IGNORE users SET username_skeleton = $skeleton WHERE id = $id", ("$id", id), ("$skeleton", skeleton));
            }
        }

        transaction.Commit();
    }

    /// <summary>An old username that cannot be normalized (registered before the rules) keeps what it has.</summary>
    private static (string Normalized, string Skeleton)? KeysOf(string username) =>
        UsernameNormalizer.TryNormalize(username, out var normalized) ? (normalized, UsernameNormalizer.Skeleton(username)) : null;

    private static UserAccount? ReadUser(SqliteConnection connection, string sql, string value, params (string Name, object? Value)[] more)
    {
        using var command = Command(connection, sql, [("$v", value), .. more]);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new UserAccount(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            [.. JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? []],
            reader.GetString(5),
            reader.GetInt32(6),
            reader.IsDBNull(7) ? null : FromMillis(reader.GetInt64(7)),
            FromMillis(reader.GetInt64(8)));
    }

    private static string RolesJson(ImmutableArray<string> roles) => JsonSerializer.Serialize(roles.IsDefault ? [] : roles.ToArray());
}
