namespace Baton.Core.Tests;

/// <summary>A settable clock: tests move time explicitly and assert exact boundaries.</summary>
internal sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public static DateTimeOffset DefaultStart { get; } = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public TestClock()
        : this(DefaultStart)
    {
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
