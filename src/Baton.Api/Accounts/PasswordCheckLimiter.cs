using System.Threading.RateLimiting;
using Baton.Api.Hosting;
using Baton.Api.Options;
using Microsoft.Extensions.Options;

namespace Baton.Api.Accounts;

/// <summary>
/// The budget every password check takes a permit from before it hashes anything, per user and
/// per address (<see cref="RateLimitOptions.PasswordChecksPerMinute"/>); counted on each node.
/// </summary>
internal sealed class PasswordCheckLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<PasswordAttempt>? _limiter = RateLimits.PasswordChecks(options.Value.PasswordChecksPerMinute);

    /// <summary>Null when the check may go ahead; otherwise how long to wait.</summary>
    public TimeSpan? TryAcquire(string normalizedUsername, string? address)
    {
        if (_limiter is null)
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire(new PasswordAttempt(normalizedUsername, address));
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : RateLimits.DefaultRetryAfter;
    }

    public void Dispose() => _limiter?.Dispose();
}

/// <summary>What a password check is budgeted by: the user it names and the address it comes from.</summary>
internal readonly record struct PasswordAttempt(string NormalizedUsername, string? Address);
