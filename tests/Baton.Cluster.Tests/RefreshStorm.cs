using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Baton.Cluster.Tests;

/// <summary>
/// One client per user refreshing its session as fast as it can, round the fronts, the way a
/// well-behaved client does: it keeps the newest pair it was given, repeats the same refresh token
/// after a 503 (shortly: Retry-After is the server's upper hint) or on another front when one does
/// not answer, and stops at a 401. Every answer is recorded with when it was asked and answered,
/// and every acknowledged generation is kept in order, so the test can tell what the cluster owes.
/// </summary>
internal sealed class RefreshStorm
{
    private readonly IReadOnlyList<BatonNode> _fronts;
    private readonly Stopwatch _clock = new();

    public RefreshStorm(IReadOnlyList<BatonNode> fronts, IEnumerable<(string User, Tokens Tokens)> sessions)
    {
        _fronts = fronts;
        Chains = [.. sessions.Select(s => new Chain(s.User, s.Tokens))];
    }

    public IReadOnlyList<Chain> Chains { get; }

    public ConcurrentQueue<Observation> Observations { get; } = new();

    /// <summary>Time since the storm started.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Runs every user's client until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop)
    {
        _clock.Start();
        return Task.WhenAll(Chains.Select((chain, i) => Task.Run(() => ClientAsync(chain, i, stop), CancellationToken.None)));
    }

    /// <summary>How many answers of each class (see <see cref="Reply.Class"/>) came back, asked in [<paramref name="since"/>, <paramref name="until"/>).</summary>
    public Dictionary<string, int> Classes(TimeSpan since = default, TimeSpan? until = null) =>
        Observations.Where(o => o.AskedAt >= since && o.AskedAt < (until ?? TimeSpan.MaxValue)).GroupBy(o => o.Reply.Class).ToDictionary(g => g.Key, g => g.Count());

    public string Describe(TimeSpan since = default, TimeSpan? until = null) =>
        string.Join(", ", Classes(since, until).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} x{c.Value}"));

    /// <summary>One user's last <paramref name="count"/> answers, one line each.</summary>
    public string Timeline(string user, int count) =>
        string.Join(Environment.NewLine, Observations.Where(o => o.User == user).TakeLast(count)
            .Select(o => $"  {o.AskedAt.TotalMilliseconds,8:0} ms -> {o.AnsweredAt.TotalMilliseconds,8:0} ms {o.Front}: {o.Reply.Class}"));

    /// <summary>One user's answers asked in [<paramref name="since"/>, <paramref name="until"/>), one line each, for a figure or a failure message.</summary>
    public string Timeline(string user, TimeSpan since, TimeSpan until) =>
        string.Join(Environment.NewLine, Observations.Where(o => o.User == user && o.AskedAt >= since && o.AskedAt < until)
            .Select(o => $"  {o.AskedAt.TotalMilliseconds,8:0} ms -> {o.AnsweredAt.TotalMilliseconds,8:0} ms {o.Front}: {o.Reply.Class}"));

    /// <summary>When the first 200 for <paramref name="user"/> asked at or after <paramref name="since"/> came back, or null.</summary>
    public TimeSpan? FirstSuccessAfter(string user, TimeSpan since) =>
        Observations.Where(o => o.User == user && o.AskedAt >= since && o.Reply.IsOk).Select(o => (TimeSpan?)o.AnsweredAt).Min();

    private async Task ClientAsync(Chain chain, int index, CancellationToken stop)
    {
        var next = index;
        while (!stop.IsCancellationRequested && chain.Refusal is null)
        {
            var front = _fronts[next++ % _fronts.Count];
            var asked = Now;
            var reply = await FrontApi.RefreshAsync(front, chain.Latest.RefreshToken);
            Observations.Enqueue(new Observation(chain.User, front.Name, asked, Now, reply));
            if (reply.IsOk)
            {
                chain.Adopt(reply.Tokens!);
            }
            else if (reply.Status == HttpStatusCode.Unauthorized)
            {
                chain.Refusal = reply;
            }
            else if (reply.Status != 0)
            {
                // A 503 (or anything else, which the test counts against the cluster): back off a little.
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    /// <summary>One user's session as its client knows it: every generation it was given, oldest first.</summary>
    internal sealed class Chain(string user, Tokens seed)
    {
        private readonly List<string> _generations = [seed.RefreshJti];

        public string User { get; } = user;

        public string SessionId { get; } = seed.SessionId;

        public Tokens Latest { get; private set; } = seed;

        /// <summary>The refresh jtis acknowledged to the client, one per generation, in order.</summary>
        public IReadOnlyList<string> Generations => _generations;

        /// <summary>The 401 that ended this client's run, if one did.</summary>
        public Reply? Refusal { get; set; }

        public void Adopt(Tokens tokens)
        {
            if (tokens.RefreshJti != Latest.RefreshJti)
            {
                _generations.Add(tokens.RefreshJti);
            }

            Latest = tokens;
        }
    }
}

/// <summary>One answer of a storm: to whom, from which front, when it was asked and answered (since the storm started).</summary>
internal sealed record Observation(string User, string Front, TimeSpan AskedAt, TimeSpan AnsweredAt, Reply Reply);
