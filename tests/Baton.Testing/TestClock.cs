namespace Baton.Testing;

/// <summary>A settable clock: tests move time explicitly and assert exact boundaries.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    /// <summary>Where a clock starts unless told otherwise.</summary>
    public static DateTimeOffset DefaultStart { get; } = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A clock at <see cref="DefaultStart"/>.</summary>
    public TestClock()
        : this(DefaultStart)
    {
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => _now += by;

    /// <summary>Sets the clock.</summary>
    public void Set(DateTimeOffset now) => _now = now;
}
