namespace Baton.LoadTest;

/// <summary>The bare refresh's one durable write per rotation, on SQLite or on Redis.</summary>
internal interface ILedgerWrites : IAsyncDisposable
{
    /// <summary>Durably records <paramref name="jti"/> as <paramref name="user"/>'s current refresh token.</summary>
    Task WriteAsync(string user, string jti);
}
