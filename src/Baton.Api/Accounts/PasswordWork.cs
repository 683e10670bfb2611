namespace Baton.Api.Accounts;

/// <summary>
/// Where PBKDF2 runs: on threads of its own, at most one per core at a time, the rest waiting
/// without holding a thread. A hash or verification is ~100 ms of CPU; run on the thread pool, a
/// burst of logins would hold every pool thread, and the same pool serves HTTP, Redis completions
/// and (co-hosted) the grains: their calls would time out behind the hashing (SECURITY.md 36).
/// </summary>
internal sealed class PasswordWork : IDisposable
{
    private readonly SemaphoreSlim _cores = new(Environment.ProcessorCount, Environment.ProcessorCount);

    /// <summary>Runs <paramref name="work"/> when a core is free.</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _cores.WaitAsync(cancellationToken);
        try
        {
            return await Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            _cores.Release();
        }
    }

    public void Dispose() => _cores.Dispose();
}
