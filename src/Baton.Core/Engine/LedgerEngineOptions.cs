namespace Baton.Core.Engine;

/// <summary>How the engine retries and caches. Bound from <c>Baton:Engine</c>.</summary>
public sealed class LedgerEngineOptions
{
    /// <summary>The configuration section this binds to.</summary>
    public const string SectionName = "Baton:Engine";

    /// <summary>
    /// Compare-and-swap attempts at one command before it holds the ledger for the next (see
    /// <see cref="ILedgerStore.WriteExclusiveAsync"/>). Default 2: from the cache, then from the store.
    /// </summary>
    public int OptimisticAttempts { get; set; } = 2;

    /// <summary>
    /// Attempts at one command before giving up with a 503. An exclusive attempt loses only while
    /// the ledger is being created, so the limit is a safety net. Default 8.
    /// </summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Ledgers kept in the node-local cache. Default 100,000.</summary>
    public int CacheCapacity { get; set; } = 100_000;

    /// <summary>This node's name in audit events. Default: the machine name and process id.</summary>
    public string NodeName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}
