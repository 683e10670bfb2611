using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

public sealed class SessionUsernameTests
{
    [Fact]
    public void StartSession_KeepsTheUsername_ThroughTheStoredDocument()
    {
        var policy = new SessionPolicy();
        var ledger = Empty.Then(Login("s1") with { Username = "Alice" }, T0, policy) with { Version = 1 };

        var stored = LedgerSerializer.Deserialize(UserId, 1, LedgerSerializer.Serialize(ledger));

        Assert.Equal("Alice", stored.Get("s1").Username);
    }

    [Fact]
    public void StartSession_WithoutUsername_StoresNone()
    {
        var ledger = Empty.Then(Login("s1"), T0, new SessionPolicy()) with { Version = 1 };

        Assert.Null(LedgerSerializer.Deserialize(UserId, 1, LedgerSerializer.Serialize(ledger)).Get("s1").Username);
        Assert.DoesNotContain("username", System.Text.Encoding.UTF8.GetString(LedgerSerializer.Serialize(ledger)), StringComparison.Ordinal);
    }
}
