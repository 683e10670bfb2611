using Baton.Core;
using Baton.Grains;

namespace Baton.Api.Sessions;

/// <summary>What a login or refresh produced: a token pair, or a refusal with its code and reason.</summary>
internal sealed record SessionResult(TokenPair? Pair, ErrorCode? Error, EndReason? Reason, SessionDetails? Session, string? UserId)
{
    public static SessionResult Refused(ErrorCode error, EndReason? reason = null) => new(null, error, reason, null, null);
}
