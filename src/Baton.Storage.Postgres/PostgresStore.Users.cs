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
            $"INSERT INTO users ({UserColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            cancellationToken,
            user.Id, user.Username, user.NormalizedUsername, user.PasswordHash, user.Roles.IsDefault ? Array.Empty<string>() : user.Roles.ToArray(),
            user.SecurityStamp, user.FailedLoginCount, user.LockedUntil, user.CreatedAt).ConfigureAwait(false) == 1, retry: false, cancellationToken);
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
