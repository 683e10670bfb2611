namespace Baton.Testing;

/// <summary>
/// Waits for a condition the test cannot be told about directly (another process, a background
/// loop), checking it often, and fails with a message if it does not hold within the patience.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(20);

    public static Task UntilAsync(Func<bool> condition, TimeSpan? patience = null) =>
        UntilAsync(() => Task.FromResult(condition()), patience);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? DefaultPatience);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(5);
        }
    }
}
