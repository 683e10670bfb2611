using Baton.Core.Ledgers;

namespace Baton.Server.Auth;

/// <summary>The session the bearer handler found active, for endpoints that describe it without reading the ledger again.</summary>
internal sealed record AuthenticatedSession(string UserId, Session Session);
