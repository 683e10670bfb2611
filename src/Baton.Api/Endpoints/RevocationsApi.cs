using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Storage;
using Baton.Api.Auth;
using Baton.Api.Problems;
using Baton.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Baton.Api.Endpoints;

/// <summary>
/// The ordered feed of ended sessions, for resource servers (API key <c>tokens:introspect</c>): a
/// long poll that answers as soon as there is something after the cursor, or empty after the wait.
/// A resource server that follows it rejects a kicked session's access tokens without a call per request.
/// </summary>
internal static class RevocationsApi
{
    public const int MaxLimit = 1000;
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    public static RouteGroupBuilder MapRevocationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/revocations").WithTags("Standards").RequireAuthorization(AuthSchemes.IntrospectPolicy);
        group.MapGet("/", Read);
        return group;
    }

    /// <summary>
    /// Query: <c>after</c>, the cursor of the last entry seen (0 or absent: from the start; -1: only
    /// the current cursor, to follow from now on); <c>wait</c>, seconds to wait when there is nothing
    /// yet (0 to 30, default 25); <c>limit</c>, most entries per answer (1 to 1000, default 500);
    /// <c>since</c> (Unix seconds, instead of <c>after</c>): start at the first entry at or after that
    /// time, which is how a new follower catches up on sessions whose access tokens may still be valid.
    /// </summary>
    public static async Task<Results<Ok<RevocationPage>, ProblemHttpResult>> Read(
        IRevocationLog log, RevocationWatcher watcher, CancellationToken cancellationToken, long after = 0, int wait = 25, int limit = 500, long? since = null)
    {
        if (after < -1 || wait is < 0 || TimeSpan.FromSeconds(wait) > MaxWait || limit is < 1 or > MaxLimit)
        {
            return ApiProblem.Validation(new Dictionary<string, string[]> { ["query"] = [$"after >= -1, wait 0..{(int)MaxWait.TotalSeconds}, limit 1..{MaxLimit}."] });
        }

        try
        {
            if (after == -1)
            {
                return TypedResults.Ok(new RevocationPage(await log.LatestRevocationAsync(cancellationToken), []));
            }

            if (since is { } start)
            {
                after = await log.RevocationCursorAtAsync(DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(start, 0, 253_402_300_799)), cancellationToken);
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(wait));
            while (true)
            {
                var changed = watcher.NextChange; // taken before the read: a change in between still wakes us
                var entries = await log.ReadRevocationsAsync(after, limit, cancellationToken);
                if (entries.Count > 0 || deadline.IsCancellationRequested)
                {
                    return TypedResults.Ok(new RevocationPage(entries.Count > 0 ? entries[^1].Cursor : after, [.. entries.Select(RevokedSession.Of)]));
                }

                try
                {
                    await changed.WaitAsync(deadline.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The wait is over: one last read answers.
                }
            }
        }
        catch (StoreUnavailableException)
        {
            return ApiProblem.Of(ErrorCode.Unavailable);
        }
    }
}

/// <summary>One answer of the feed: continue from <paramref name="Cursor"/>.</summary>
public sealed record RevocationPage(long Cursor, IReadOnlyList<RevokedSession> Revocations);

/// <summary>An ended session: reject access tokens whose <c>sid</c> is <paramref name="Sid"/>.</summary>
public sealed record RevokedSession(long Cursor, string Sub, string Sid, string Reason, DateTimeOffset At)
{
    internal static RevokedSession Of(Revocation r) => new(r.Cursor, r.UserId, r.SessionId, r.Reason.ToWire(), r.At);
}
