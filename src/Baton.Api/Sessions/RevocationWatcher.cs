namespace Baton.Api.Sessions;

/// <summary>
/// Wakes readers of the revocation feed (long polls, <see cref="RevocationFollower"/>) when an
/// append may have added to it. Readers take the signal before they read the log, so an append
/// between the read and the wait is never missed.
/// </summary>
internal sealed class RevocationWatcher
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next append that may have added to the feed.</summary>
    public Task NextChange => Volatile.Read(ref _signal).Task;

    public void Signal() =>
        Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
