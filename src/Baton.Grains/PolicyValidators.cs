using Baton.Core.Ledgers;
using Baton.Core.Users;
using Microsoft.Extensions.Options;

namespace Baton.Grains;

/// <summary>
/// Refuses a session policy the grains cannot decide with, at start-up of every process that reads
/// it (silos and fronts); each message names the setting to fix.
/// </summary>
public sealed class SessionPolicyValidator : IValidateOptions<SessionPolicy>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SessionPolicy options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = SessionPolicy.SectionName;
        List<string> failures = [];
        PolicyValidation.Require(failures, options.MaxSessionsPerUser >= 1, $"{s}:MaxSessionsPerUser must be at least 1 (was {options.MaxSessionsPerUser}).");
        foreach (var (type, limit) in options.MaxSessionsPerDeviceType)
        {
            PolicyValidation.Require(failures, limit >= 1, $"{s}:MaxSessionsPerDeviceType:{type} must be at least 1 (was {limit}).");
        }

        PolicyValidation.Require(failures, options.RefreshIdleLifetime > TimeSpan.Zero, $"{s}:RefreshIdleLifetime must be positive.");
        PolicyValidation.Require(failures, options.SessionAbsoluteLifetime > TimeSpan.Zero, $"{s}:SessionAbsoluteLifetime must be positive.");
        PolicyValidation.Require(failures, options.RefreshReuseGrace >= TimeSpan.Zero && options.RefreshReuseGrace < options.RefreshIdleLifetime, $"{s}:RefreshReuseGrace must be zero or more and shorter than RefreshIdleLifetime.");
        PolicyValidation.Require(failures, options.EndedSessionRetention >= TimeSpan.Zero, $"{s}:EndedSessionRetention must not be negative.");
        PolicyValidation.Require(failures, options.MaxEndedSessionsKept >= 0, $"{s}:MaxEndedSessionsKept must not be negative.");
        PolicyValidation.Require(failures, options.RepeatedCallWindow >= TimeSpan.Zero && options.RepeatedCallWindow <= TimeSpan.FromHours(1), $"{s}:RepeatedCallWindow must be between 0 and 1 hour.");
        return PolicyValidation.Result(failures);
    }
}

/// <summary>Refuses a lockout policy the account grains cannot decide with, at start-up.</summary>
public sealed class LockoutPolicyValidator : IValidateOptions<LockoutPolicy>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LockoutPolicy options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = LockoutPolicy.SectionName;
        List<string> failures = [];
        PolicyValidation.Require(failures, options.MaxFailedLogins >= 1, $"{s}:MaxFailedLogins must be at least 1.");
        PolicyValidation.Require(failures, options.LockoutDuration > TimeSpan.Zero, $"{s}:LockoutDuration must be positive.");
        PolicyValidation.Require(failures, options.TrackedUnknownUsernames >= 1, $"{s}:TrackedUnknownUsernames must be at least 1 (unknown usernames must lock out like real ones).");
        return PolicyValidation.Result(failures);
    }
}

internal static class PolicyValidation
{
    public static void Require(List<string> failures, bool ok, string message)
    {
        if (!ok)
        {
            failures.Add(message);
        }
    }

    public static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
