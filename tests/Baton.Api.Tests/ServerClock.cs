using Microsoft.Extensions.Time.Testing;

namespace Baton.Api.Tests;

/// <summary>
/// The server's clock in tests: the date comes from the test's <see cref="FakeTimeProvider"/>
/// (tests move it and assert exact boundaries), while timers and timestamps stay real. The silo
/// co-hosted in the server reads the same <see cref="TimeProvider"/>, and Orleans' response
/// timeouts, directory and timers must keep running while a test's date stands still.
/// </summary>
internal sealed class ServerClock(FakeTimeProvider date) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => date.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
