using Baton.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>Translates SQLite's result codes into the storage-neutral outcome the engine understands.</summary>
internal static class SqliteErrors
{
    // https://www.sqlite.org/rescode.html: primary codes (the low byte of extended codes).
    private const int Busy = 5;
    private const int Locked = 6;
    private const int NoMemory = 7;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Protocol = 15;
    private const int NotADatabase = 26;

    /// <summary>True for failures of the file or its locks, as opposed to bugs in Baton's SQL.</summary>
    public static bool IsUnavailable(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xFF) is Busy or Locked or NoMemory or ReadOnly or IoError or Corrupt or Full or CantOpen or Protocol or NotADatabase;

    public static StoreUnavailableException Unavailable(SqliteException exception) =>
        new($"The SQLite store is unavailable (SQLite error {exception.SqliteErrorCode}).", exception);

    /// <summary>The outage <paramref name="exception"/> stands for (the file, its directory or its locks failed), or null for a bug.</summary>
    public static StoreUnavailableException? AsUnavailable(Exception exception, string path) => exception switch
    {
        StoreUnavailableException unavailable => unavailable,
        SqliteException e when IsUnavailable(e) => Unavailable(e),
        IOException or UnauthorizedAccessException => new StoreUnavailableException($"The SQLite file {path} cannot be used.", exception),
        _ => null,
    };
}
