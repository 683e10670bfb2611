using Baton.Core;

namespace Baton.Api.Auth;

/// <summary>Why authentication failed, handed from authenticate to challenge so the 401/503 carries the precise code.</summary>
internal sealed record AuthFailure(ErrorCode Code, EndReason? Reason, string Description);
