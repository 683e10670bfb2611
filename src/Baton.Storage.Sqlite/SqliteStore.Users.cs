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
            $"INSERT INTO users ({UserColumns}) VALUES ($id, $name, $normalized, $hash, $roles, $stamp, $failures, $locked, $created) ON CONFLICT DO NOTHING",
            ("$id", user.Id), ("$name", user.Username), ("$normalized", user.NormalizedUsername), ("$hash", user.PasswordHash),
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
