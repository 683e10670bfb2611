using Baton.Core.Users;
using Baton.Api.Options;

namespace Baton.Api.Endpoints.Contracts;

/// <summary>Collects field errors for a 400 validation problem.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void Add(string field, string error)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(error);
    }

    public void Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            Add(field, "Required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
    }

    public void Optional(string field, string? value, int maxLength)
    {
        if (value is not null)
        {
            Required(field, value, maxLength);
            if (UsernameRules.HasControlOrFormat(value))
            {
                // Bidi overrides and other format characters would make the name shown in a session list lie (SECURITY.md 46).
                Add(field, "Control and format characters are not allowed.");
            }
        }
    }

    public void Username(string field, string? value, AccountOptions limits)
    {
        Required(field, value, limits.MaxUsernameLength);
        if (value is { Length: > 0 } && UsernameRules.Check(value) is { } error)
        {
            Add(field, error);
        }
    }

    public void Password(string field, string? value, AccountOptions limits)
    {
        Required(field, value, limits.MaxPasswordLength);
        if (value is not null && value.Length < limits.MinPasswordLength)
        {
            Add(field, $"At least {limits.MinPasswordLength} characters.");
        }
    }

    public void DeviceType(string field, string? value)
    {
        if (value is not null && (value.Length is 0 or > 32 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            Add(field, "1 to 32 letters, digits, '-' or '_'.");
        }
    }

    /// <summary>An external user id: 1 to 128 printable ASCII characters without spaces.</summary>
    public void Identifier(string field, string? value)
    {
        Required(field, value, 128);
        if (value is not null && !value.All(c => c is > ' ' and < (char)127))
        {
            Add(field, "Printable ASCII without spaces.");
        }
    }
}
