namespace Baton.Core.Audit;

/// <summary>One ended session in the ordered revocation feed.</summary>
/// <param name="Cursor">Its position in the feed; strictly increasing in commit order.</param>
/// <param name="UserId">Whose session.</param>
/// <param name="SessionId">The session (<c>sid</c> claim) whose tokens are no longer valid.</param>
/// <param name="Reason">Why it ended.</param>
/// <param name="At">When.</param>
public sealed record Revocation(long Cursor, string UserId, string SessionId, EndReason Reason, DateTimeOffset At);
