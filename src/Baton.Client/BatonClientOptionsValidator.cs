using Microsoft.Extensions.Options;

namespace Baton.Client;

/// <summary>Refuses options a client could not refresh with, naming the property.</summary>
internal sealed class BatonClientOptionsValidator : IValidateOptions<BatonClientOptions>
{
    public ValidateOptionsResult Validate(string? name, BatonClientOptions options)
    {
        var failures = new List<string>();
        var s = $"BatonClientOptions '{name}'";
        if (options.BaseAddress is { IsAbsoluteUri: false })
        {
            failures.Add($"{s}: BaseAddress must be an absolute URI (was '{options.BaseAddress}').");
        }

        if (string.IsNullOrEmpty(options.RefreshPath) || !options.RefreshPath.StartsWith('/'))
        {
            failures.Add($"{s}: RefreshPath must start with '/' (was '{options.RefreshPath}').");
        }

        if (options.RefreshBeforeExpiry < TimeSpan.Zero)
        {
            failures.Add($"{s}: RefreshBeforeExpiry must be zero or more (was {options.RefreshBeforeExpiry}).");
        }

        if (options.RefreshJitter < TimeSpan.Zero)
        {
            failures.Add($"{s}: RefreshJitter must be zero or more (was {options.RefreshJitter}).");
        }

        if (options.RefreshTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{s}: RefreshTimeout must be positive (was {options.RefreshTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
