using Baton.Storage.Redis;

namespace Baton.Storage.Tests.Redis;

/// <summary>The mapping between Redis stream ids and the revocation feed's cursors (no server needed).</summary>
public sealed class RedisStreamCursorTests
{
    [Fact]
    public void FromStreamId_StreamIds_RoundTripAndKeepTheirOrder()
    {
        string[] ids = ["0-1", "1-0", "1-1", "1-1048575", "2-0", "1772600767000-0", "1772600767000-7", "1772600767001-0", "8796093022207-1048575"];

        var cursors = ids.Select(RedisStreamCursor.FromStreamId).ToArray();

        Assert.Equal(ids, cursors.Select(RedisStreamCursor.ToStreamId));
        Assert.Equal(cursors.Order(), cursors);
        Assert.Equal(cursors.Length, cursors.Distinct().Count());
        Assert.Equal((1772600767000L << 20) | 7, RedisStreamCursor.FromStreamId("1772600767000-7"));
        Assert.Equal((1772600767000L, 7L), RedisStreamCursor.Decode(RedisStreamCursor.Encode(1772600767000, 7)));
    }

    [Fact]
    public void FromStreamId_OutOfRange_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RedisStreamCursor.FromStreamId("5-1048576"));
        Assert.Throws<ArgumentOutOfRangeException>(() => RedisStreamCursor.Encode(RedisStreamCursor.MillisecondLimit, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RedisStreamCursor.Decode(-1));
        Assert.Throws<FormatException>(() => RedisStreamCursor.FromStreamId("12345"));
    }
}
