using System.Net;

namespace Baton.Cluster.Tests;

/// <summary>
/// What a front answered: the status (0 when no answer came: the connection was refused or reset),
/// the tokens of a 200, whether a 503 carried <c>Retry-After</c>, and the problem's <c>code</c>.
/// </summary>
internal sealed record Reply(HttpStatusCode Status, Tokens? Tokens, bool HasRetryAfter, string? Code, string Body)
{
    public bool IsOk => Status == HttpStatusCode.OK && Tokens is not null;

    /// <summary>A name for the kind of answer, for counting: <c>200</c>, <c>401 refresh_token_reused</c>, <c>503+Retry-After</c>, <c>no answer</c>.</summary>
    public string Class => Status switch
    {
        0 => "no answer",
        HttpStatusCode.ServiceUnavailable => HasRetryAfter ? "503+Retry-After" : "503 without Retry-After",
        HttpStatusCode.OK => "200",
        _ => Code is null ? ((int)Status).ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{(int)Status} {Code}",
    };

    public override string ToString() => $"{Class}: {(Body.Length > 300 ? Body[..300] : Body)}";
}

/// <summary>A token pair and the claims the tests follow.</summary>
internal sealed record Tokens(string AccessToken, string RefreshToken, string SessionId)
{
    /// <summary>The refresh token's <c>jti</c>: one per generation.</summary>
    public string RefreshJti => Jwt.Claim(RefreshToken, "jti");
}
