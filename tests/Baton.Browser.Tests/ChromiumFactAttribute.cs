namespace Baton.Browser.Tests;

/// <summary>
/// A test that needs Debian's chromium (<c>/usr/bin/chromium</c>, installed by <c>.ci/prepare</c>,
/// or the one <c>BATON_TEST_CHROMIUM</c> names). Skipped with the reason where it is missing,
/// and never when <c>CI</c> is set: there it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(ExecutablePath) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"chromium is not installed at {ExecutablePath} (apt-get install chromium, or set BATON_TEST_CHROMIUM); with CI set this test fails instead.";
        }
    }

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("BATON_TEST_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
}
