using Baton.Api.Options;

namespace Baton.Api.Endpoints.Contracts;

/// <summary>A request body that can check its own fields.</summary>
internal interface IValidatedRequest
{
    /// <summary>Adds an error per bad field to <paramref name="errors"/>.</summary>
    void Validate(FieldErrors errors, AccountOptions limits);
}

public sealed record RegisterRequest(string? Username, string? Password) : IValidatedRequest
{
    void IValidatedRequest.Validate(FieldErrors errors, AccountOptions limits)
    {
        errors.Username("username", Username, limits);
        errors.Password("password", Password, limits);
    }
}

public sealed record DeviceRequest(string? Id, string? Type, string? Name)
{
    internal void Validate(FieldErrors errors)
    {
        errors.Optional("device.id", Id, 128);
        errors.DeviceType("device.type", Type);
        errors.Optional("device.name", Name, 128);
    }
}

public sealed record LoginRequest(string? Username, string? Password, DeviceRequest? Device) : IValidatedRequest
{
    void IValidatedRequest.Validate(FieldErrors errors, AccountOptions limits)
    {
        // Only shape is checked here: a login must not reveal the password rules of an account.
        errors.Required("username", Username, limits.MaxUsernameLength);
        errors.Required("password", Password, limits.MaxPasswordLength);
        Device?.Validate(errors);
    }
}

public sealed record RefreshRequest(string? RefreshToken);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword) : IValidatedRequest
{
    void IValidatedRequest.Validate(FieldErrors errors, AccountOptions limits)
    {
        errors.Required("current_password", CurrentPassword, limits.MaxPasswordLength);
        errors.Password("new_password", NewPassword, limits);
    }
}

public sealed record IssueSessionRequest(string? UserId, IReadOnlyList<string>? Roles, DeviceRequest? Device) : IValidatedRequest
{
    void IValidatedRequest.Validate(FieldErrors errors, AccountOptions limits)
    {
        errors.Identifier("user_id", UserId);
        if (Roles is { } roles)
        {
            if (roles.Count > 32)
            {
                errors.Add("roles", "At most 32 roles.");
            }

            foreach (var role in roles)
            {
                errors.Required("roles", role, 64);
            }
        }

        Device?.Validate(errors);
    }
}
