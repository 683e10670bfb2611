namespace Baton.Api.Options;

/// <summary>Registration, passwords and lockout. Section <c>Baton:Accounts</c>.</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Baton:Accounts";

    /// <summary>Whether <c>POST /v1/users</c> is open to anyone. Default true.</summary>
    public bool AllowRegistration { get; set; } = true;

    /// <summary>PBKDF2 (HMAC-SHA512) iterations for new hashes; logins rehash older ones. Default 210,000 (OWASP).</summary>
    public int PasswordIterations { get; set; } = 210_000;

    /// <summary>Shortest accepted password. Default 12 (OWASP ASVS V2.1.1).</summary>
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>Longest accepted password. Default 128.</summary>
    public int MaxPasswordLength { get; set; } = 128;

    /// <summary>Longest accepted username. Default 64.</summary>
    public int MaxUsernameLength { get; set; } = 64;

    // MaxFailedLogins, LockoutDuration and TrackedUnknownUsernames of this section are the
    // account grains' LockoutPolicy (Baton.Core.Users), bound by the silo.
}
