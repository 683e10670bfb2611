using System.Text;
using System.Text.Json;
using Baton.Core.Ledgers;
using static Baton.Core.Tests.Ledgers.LedgerFixture;

namespace Baton.Core.Tests.Ledgers;

public class LedgerSerializerTests
{
    private static readonly DateTimeOffset T1 = T0 + TimeSpan.FromHours(1);
    private static readonly DateTimeOffset T2 = T0 + TimeSpan.FromHours(2);

    /// <summary>
    /// One session with every optional field set (rotated, roles, named device, client info) and
    /// one ended session with every optional field it can leave empty left empty.
    /// </summary>
    private static Ledger Rich()
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = 2 };
        var rotated = new StartSession("a", new Device("laptop", "web", "Firefox on Linux"), "a-rt1", new ClientInfo("203.0.113.7", "Mozilla/5.0"))
        {
            Roles = ["admin", "support"],
        };
        return Empty
            .Then(rotated, T0, policy)
            .Then(new StartSession("b", new Device("phone", "mobile", null), "b-rt1", ClientInfo.None), T1, policy)
            .Then(new RefreshSession("a", "a-rt1", "a-rt2", new ClientInfo("2001:db8::1", null)), T2, policy)
            .Then(new EndSession("b", EndReason.PasswordChanged), T2 + TimeSpan.FromSeconds(3), policy)
            with { Version = 17 };
    }

    private static void AssertSameFields(Session expected, Session actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Device, actual.Device);
        Assert.Equal(expected.Client, actual.Client);
        Assert.Equal<string>(expected.Roles, actual.Roles);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(expected.CreatedAt.Offset, actual.CreatedAt.Offset);
        Assert.Equal(expected.LastRefreshedAt, actual.LastRefreshedAt);
        Assert.Equal(expected.IdleExpiresAt, actual.IdleExpiresAt);
        Assert.Equal(expected.AbsoluteExpiresAt, actual.AbsoluteExpiresAt);
        Assert.Equal(expected.Generation, actual.Generation);
        Assert.Equal(expected.CurrentJti, actual.CurrentJti);
        Assert.Equal(expected.PreviousJti, actual.PreviousJti);
        Assert.Equal(expected.RotatedAt, actual.RotatedAt);
        Assert.Equal(expected.EndedAt, actual.EndedAt);
        Assert.Equal(expected.EndReason, actual.EndReason);
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.RefreshExpiresAt, actual.RefreshExpiresAt);
    }

    [Fact]
    public void RoundTrip_ActiveAndEndedSessions_PreservesEveryField()
    {
        var ledger = Rich();

        var back = LedgerSerializer.Deserialize(UserId, 17, LedgerSerializer.Serialize(ledger));

        Assert.Equal(ledger.UserId, back.UserId);
        Assert.Equal(ledger.Version, back.Version);
        Assert.Equal(ledger.Sessions.Length, back.Sessions.Length);
        for (var i = 0; i < ledger.Sessions.Length; i++)
        {
            AssertSameFields(ledger.Sessions[i], back.Sessions[i]);
        }

        // The fixture really exercises both shapes.
        Assert.Equal("a-rt1", back.Get("a").PreviousJti);
        Assert.Equal<string>(["admin", "support"], back.Get("a").Roles);
        Assert.Null(back.Get("b").Device.Name);
        Assert.Null(back.Get("b").Client.IpAddress);
        Assert.Null(back.Get("b").PreviousJti);
        Assert.Null(back.Get("b").RotatedAt);
        Assert.Equal(EndReason.PasswordChanged, back.Get("b").EndReason);
    }

    [Fact]
    public void RoundTrip_SerializingAgain_GivesSameBytes()
    {
        var bytes = LedgerSerializer.Serialize(Rich());

        var again = LedgerSerializer.Serialize(LedgerSerializer.Deserialize(UserId, 17, bytes));

        Assert.Equal(bytes, again);
    }

    [Fact]
    public void RoundTrip_NonUtcOffset_PreservesInstantAndOffset()
    {
        var at = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.FromHours(2)).AddTicks(1234567);
        var ledger = Empty.Then(Login("a"), at, new SessionPolicy());

        var back = LedgerSerializer.Deserialize(UserId, 1, LedgerSerializer.Serialize(ledger));

        Assert.Equal(at, back.Get("a").CreatedAt);
        Assert.Equal(at.Offset, back.Get("a").CreatedAt.Offset);
        Assert.Equal(at.Ticks, back.Get("a").CreatedAt.Ticks);
    }

    [Fact]
    public void RoundTrip_EmptyLedger_HasNoSessions()
    {
        var back = LedgerSerializer.Deserialize("u-2", 3, LedgerSerializer.Serialize(Ledger.Empty("u-2")));

        Assert.Equal("u-2", back.UserId);
        Assert.Equal(3, back.Version);
        Assert.Empty(back.Sessions);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(long.MaxValue)]
    public void Deserialize_AnyVersion_TakesVersionAndUserFromArguments(long version)
    {
        var bytes = LedgerSerializer.Serialize(Rich());

        var back = LedgerSerializer.Deserialize("someone-else", version, bytes);

        Assert.Equal(version, back.Version);
        Assert.Equal("someone-else", back.UserId);
    }

    [Fact]
    public void Serialize_Document_HoldsNeitherVersionNorUserId()
    {
        using var doc = JsonDocument.Parse(LedgerSerializer.Serialize(Rich()));

        Assert.Equal(["sessions"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("user-1", doc.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_Enums_AreWrittenAsNames()
    {
        using var doc = JsonDocument.Parse(LedgerSerializer.Serialize(Rich()));

        var ended = doc.RootElement.GetProperty("sessions")[1];
        Assert.Equal(JsonValueKind.String, ended.GetProperty("endReason").ValueKind);
        Assert.Equal("PasswordChanged", ended.GetProperty("endReason").GetString());
    }

    [Fact]
    public void Serialize_NullsAndComputedProperties_AreLeftOut()
    {
        using var doc = JsonDocument.Parse(LedgerSerializer.Serialize(Rich()));

        var active = doc.RootElement.GetProperty("sessions")[0];
        var ended = doc.RootElement.GetProperty("sessions")[1];
        Assert.False(active.TryGetProperty("endedAt", out _));
        Assert.False(active.TryGetProperty("endReason", out _));
        Assert.False(ended.TryGetProperty("previousJti", out _));
        Assert.False(ended.TryGetProperty("rotatedAt", out _));
        Assert.False(active.TryGetProperty("state", out _));
        Assert.False(active.TryGetProperty("refreshExpiresAt", out _));
        Assert.Equal("a-rt2", active.GetProperty("currentJti").GetString());
    }

    /// <summary>A session document as the first release wrote it: before sessions carried roles.</summary>
    private const string DocumentWithoutRoles = """
        {"sessions":[{"id":"a","device":{"id":"laptop","type":"web"},"client":{},
        "createdAt":"2001-02-03T04:05:06+00:00","lastRefreshedAt":"2001-02-03T04:05:06+00:00",
        "idleExpiresAt":"2001-02-10T04:05:06+00:00","absoluteExpiresAt":"2001-03-05T04:05:06+00:00",
        "generation":1,"currentJti":"a-rt1"}]}
        """;

    [Fact]
    public void Deserialize_DocumentWrittenBeforeRoles_GivesEmptyRoles()
    {
        var session = LedgerSerializer.Deserialize(UserId, 4, Encoding.UTF8.GetBytes(DocumentWithoutRoles)).Get("a");

        Assert.False(session.Roles.IsDefault, "Roles is a default ImmutableArray: any use of it throws.");
        Assert.Empty(session.Roles);
        Assert.Equal(SessionState.Active, session.State);
        Assert.Equal(T0 + TimeSpan.FromDays(7), session.RefreshExpiresAt);
    }

    [Fact]
    public void Serialize_LedgerReadFromDocumentWithoutRoles_WritesItBack()
    {
        var ledger = LedgerSerializer.Deserialize(UserId, 4, Encoding.UTF8.GetBytes(DocumentWithoutRoles));
        var refreshed = ledger.Then(Refresh("a", "a-rt1", "a-rt2"), T0 + TimeSpan.FromDays(1), new SessionPolicy());

        var back = LedgerSerializer.Deserialize(UserId, 5, LedgerSerializer.Serialize(refreshed));

        Assert.Equal("a-rt2", back.Get("a").CurrentJti);
        Assert.Empty(back.Get("a").Roles);
    }

    [Fact]
    public void Deserialize_NullDocument_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => LedgerSerializer.Deserialize(UserId, 1, "null"u8));
    }

    [Fact]
    public void Deserialize_NotJson_ThrowsJsonException()
    {
        Assert.ThrowsAny<JsonException>(() => LedgerSerializer.Deserialize(UserId, 1, Encoding.UTF8.GetBytes("{\"sessions\":")));
    }

    [Fact]
    public void Serialize_NullLedger_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => LedgerSerializer.Serialize(null!));
    }
}
