namespace Baton.Core.Tests.Ledgers;

/// <summary>The stable codes and reasons of the HTTP contract (DESIGN.md §5) that ledger outcomes map to.</summary>
public class WireFormTests
{
    [Theory]
    [InlineData(EndReason.Logout, "logout")]
    [InlineData(EndReason.Replaced, "replaced")]
    [InlineData(EndReason.Kicked, "kicked")]
    [InlineData(EndReason.Revoked, "revoked")]
    [InlineData(EndReason.ReuseDetected, "reuse_detected")]
    [InlineData(EndReason.PasswordChanged, "password_changed")]
    [InlineData(EndReason.Expired, "expired")]
    public void ToWire_EndReason_IsContractReason(EndReason reason, string expected)
    {
        Assert.Equal(expected, reason.ToWire());
    }

    [Fact]
    public void ToWire_EveryEndReason_HasDistinctWireForm()
    {
        var reasons = Enum.GetValues<EndReason>();

        Assert.Equal(9, reasons.Length);
        Assert.Equal(reasons.Length, reasons.Select(r => r.ToWire()).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void ToWire_UndefinedEndReason_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((EndReason)99).ToWire());
    }

    [Theory]
    [InlineData(ErrorCode.InvalidRequest, "invalid_request")]
    [InlineData(ErrorCode.InvalidCredentials, "invalid_credentials")]
    [InlineData(ErrorCode.AccountLocked, "account_locked")]
    [InlineData(ErrorCode.RateLimited, "rate_limited")]
    [InlineData(ErrorCode.InvalidToken, "invalid_token")]
    [InlineData(ErrorCode.TokenExpired, "token_expired")]
    [InlineData(ErrorCode.RefreshTokenReused, "refresh_token_reused")]
    [InlineData(ErrorCode.SessionEnded, "session_ended")]
    [InlineData(ErrorCode.SessionLimitReached, "session_limit_reached")]
    [InlineData(ErrorCode.Forbidden, "forbidden")]
    [InlineData(ErrorCode.Unavailable, "unavailable")]
    [InlineData(ErrorCode.UserIdTaken, "user_id_taken")]
    public void ToWire_ErrorCode_IsContractCode(ErrorCode code, string expected)
    {
        Assert.Equal(expected, code.ToWire());
    }

    [Fact]
    public void ToWire_EveryErrorCode_HasDistinctWireForm()
    {
        var codes = Enum.GetValues<ErrorCode>();

        Assert.Equal(22, codes.Length);
        Assert.Equal(codes.Length, codes.Select(c => c.ToWire()).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void ToWire_UndefinedErrorCode_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ErrorCode)99).ToWire());
    }

    [Fact]
    public void New_Id_Is22Base64UrlCharacters()
    {
        var id = RandomIds.New();

        Assert.Equal(22, id.Length);
        Assert.All(id, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not base64url"));
        Assert.Equal(16, Convert.FromBase64String(id.Replace('-', '+').Replace('_', '/') + "==").Length);
    }

    [Fact]
    public void New_ManyIds_AreDistinct()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => RandomIds.New()).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
