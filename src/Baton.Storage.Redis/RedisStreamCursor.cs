using System.Globalization;

namespace Baton.Storage.Redis;

/// <summary>
/// Maps Redis stream ids (<c>&lt;ms&gt;-&lt;seq&gt;</c>) to the revocation feed's <see langword="long"/>
/// cursors and back: <c>ms &lt;&lt; 20 | seq</c>. The mapping is reversible and keeps the order of the
/// ids, so <c>/v1/revocations?after=</c> keeps its contract on Redis. <see cref="RedisEventLog"/> never
/// gives an entry a sequence number of 2^20 or more (it moves to the next millisecond instead), and the
/// milliseconds fit until the year 2248.
/// </summary>
public static class RedisStreamCursor
{
    /// <summary>Bits of the cursor that hold the sequence number.</summary>
    public const int SequenceBits = 20;

    /// <summary>The first sequence number that has no cursor.</summary>
    public const long SequenceLimit = 1L << SequenceBits;

    /// <summary>The first millisecond that has no cursor.</summary>
    public const long MillisecondLimit = 1L << (63 - SequenceBits);

    /// <summary>The cursor of the stream id <paramref name="milliseconds"/>-<paramref name="sequence"/>.</summary>
    public static long Encode(long milliseconds, long sequence)
    {
        if (milliseconds is < 0 or >= MillisecondLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(milliseconds), milliseconds, $"A stream id's milliseconds must be in [0, 2^{63 - SequenceBits}) to have a cursor.");
        }

        if (sequence is < 0 or >= SequenceLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"A stream id's sequence number must be in [0, 2^{SequenceBits}) to have a cursor.");
        }

        return (milliseconds << SequenceBits) | sequence;
    }

    /// <summary>The milliseconds and sequence number of a cursor (any cursor from 0 on names a stream id).</summary>
    public static (long Milliseconds, long Sequence) Decode(long cursor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cursor);
        return (cursor >> SequenceBits, cursor & (SequenceLimit - 1));
    }

    /// <summary>The cursor of a stream id such as <c>1767225600000-3</c>.</summary>
    public static long FromStreamId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !long.TryParse(id.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            throw new FormatException($"'{id}' is not a Redis stream id.");
        }

        return Encode(milliseconds, sequence);
    }

    /// <summary>The stream id of a cursor.</summary>
    public static string ToStreamId(long cursor)
    {
        var (milliseconds, sequence) = Decode(cursor);
        return string.Create(CultureInfo.InvariantCulture, $"{milliseconds}-{sequence}");
    }
}
