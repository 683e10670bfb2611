namespace Baton.Core.Engine;

/// <summary>How the engine retries and caches. Bound from <c>Baton:Engine</c>.</summary>
public sealed class LedgerEngineOptions
{
    /// <summary>The configuration section this binds to.</summary>
    public const string SectionName = "Baton:Engine";

    /// <summary>Attempts at one command before giving up with a 503 (each lost compare-and-swap race costs one). Default 8.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Upper bound of the random pause before the third and later attempts, doubled each time. Default 2 ms.</summary>
    public TimeSpan RetryJitter { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Ledgers kept in the node-local cache. Default 100,000.</summary>
    public int CacheCapacity { get; set; } = 100_000;

    /// <summary>This node's name in audit events. Default: the machine name and process id.</summary>
    public string NodeName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}
