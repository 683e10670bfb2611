using System.Threading.Channels;

namespace Baton.Storage.Redis;

/// <summary>
/// Group commit for <see cref="RedisEventLog"/>'s appends: one script call in flight at a time, and
/// the appends that queue while it runs go out together in the next one. At thousands of refreshes a
/// second every grain's audit entry would otherwise be a script call of its own, and the cost of a
/// call (the client's message, an await, Redis' script dispatch and socket I/O) is per call, not per
/// event. Batches form only from appends that arrive while a call is in flight, never from waiting:
/// an append to an idle log goes out at once.
/// </summary>
internal sealed class RedisAppendBatcher : IAsyncDisposable
{
    /// <summary>
    /// Most events one call carries, so one call's script (atomic, it holds Redis meanwhile) and
    /// arguments stay small; the rest wait for the next call. An append larger than this goes alone.
    /// </summary>
    public const int MaxEventsPerCall = 256;

    // Unbounded: each grain has at most one append outstanding (grains are not reentrant), so the
    // queue is bounded by the activations of this process, and a bound would only add a wait.
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<IReadOnlyList<RedisAppend>, CancellationToken, Task> _send;
    private readonly Task _sender;

    /// <summary>Starts the sender, which waits for the first append.</summary>
    /// <param name="send">
    /// Sends one batch of appends as one script call, in the order given (a producer's events must
    /// reach the script in sequence order: its repeat filter keeps one number per producer).
    /// </param>
    public RedisAppendBatcher(Func<IReadOnlyList<RedisAppend>, CancellationToken, Task> send)
    {
        _send = send;

        // On the thread pool, never on the creator's scheduler.
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>
    /// Queues <paramref name="append"/> and completes when the call that carried it returned, or
    /// fails with that call's failure. <paramref name="cancellationToken"/> ends only this caller's
    /// wait: once queued the events may still be appended (delivery is at-least-once and the script
    /// drops repeats).
    /// </summary>
    public Task AppendAsync(RedisAppend append, CancellationToken cancellationToken)
    {
        var pending = new Pending(append);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw Disposed();
        }

        var completion = pending.Completion.Task;
        return cancellationToken.CanBeCanceled ? completion.WaitAsync(cancellationToken) : completion;
    }

    /// <summary>Fails the appends not yet answered (the one in flight too) and stops the sender.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_queue.Writer.TryComplete())
        {
            await _sender; // disposed already, or being disposed
            return;
        }

        await _stopping.CancelAsync();
        await _sender;
        _stopping.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<Pending>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping.Token))
            {
                Take(batch);
                await SendAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed while idle.
        }

        FailQueued();
    }

    /// <summary>Takes the queued appends in order, up to <see cref="MaxEventsPerCall"/> events but always at least one append.</summary>
    private void Take(List<Pending> batch)
    {
        var events = 0;
        while (_queue.Reader.TryPeek(out var next) && (batch.Count == 0 || events + next.Append.Count <= MaxEventsPerCall))
        {
            _queue.Reader.TryRead(out _);
            batch.Add(next);
            events += next.Append.Count;
        }
    }

    private async Task SendAsync(List<Pending> batch)
    {
        try
        {
            await _send([.. batch.Select(p => p.Append)], _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Fail(batch, Disposed());
            return;
        }
#pragma warning disable CA1031 // Whatever failed the call is every caller's answer; the sender must go on for the next batch.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(batch, e);
            return;
        }

        foreach (var pending in batch)
        {
            pending.Completion.TrySetResult();
        }
    }

    private void FailQueued()
    {
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Completion.TrySetException(Disposed());
        }
    }

    private static void Fail(List<Pending> batch, Exception exception)
    {
        foreach (var pending in batch)
        {
            pending.Completion.TrySetException(exception);
        }
    }

    private static ObjectDisposedException Disposed() => new(nameof(RedisEventLog), "The Redis event log is disposed; the append may or may not have been made.");

    private sealed class Pending(RedisAppend append)
    {
        public RedisAppend Append { get; } = append;

        // Answered off the sender: a caller's continuation must not delay the next batch.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
