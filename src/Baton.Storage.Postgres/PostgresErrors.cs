using System.Net.Sockets;
using Baton.Core.Engine;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>Translates Npgsql's failures into the storage-neutral outcome, by SQLSTATE and exception type, never by message.</summary>
internal static class PostgresErrors
{
    /// <summary>True when the database could not be reached or gave up, as opposed to a bug in Baton's SQL.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState switch
        {
            ['0', '8', ..] => true,                       // connection exceptions
            "57P01" or "57P02" or "57P03" => true,        // admin / crash shutdown, cannot connect now
            ['5', '3', ..] => true,                       // insufficient resources (too many connections, disk full, ...)
            "40001" or "40P01" => true,                   // serialization failure, deadlock
            "57014" => true,                              // statement timeout / cancelled
            "25P03" or "57P05" => true,                   // idle-in-transaction / idle session timeout ended the session
            "25006" => true,                              // read-only transaction: a standby after failover
            _ => false,
        },
        NpgsqlException => true,                           // socket errors, timeouts, an exhausted pool
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// True when <paramref name="connection"/> itself is gone (the server restarted, failed over or
    /// dropped it), as opposed to a statement that timed out or lost a race on a healthy connection.
    /// </summary>
    public static bool IsBroken(NpgsqlConnection connection) =>
        (connection.FullState & System.Data.ConnectionState.Broken) != 0 || connection.State != System.Data.ConnectionState.Open;

    public static StoreUnavailableException Unavailable(Exception exception) =>
        new($"The PostgreSQL store is unavailable ({(exception as PostgresException)?.SqlState ?? exception.GetType().Name}).", exception);
}
