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

    /// <summary>Consecutive failed logins that lock an account. Default 10.</summary>
    public int MaxFailedLogins { get; set; } = 10;

    /// <summary>How long a lockout lasts. Default 15 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Unknown usernames whose failed logins each node counts (so that they lock out like real
    /// accounts); beyond this the least recently guessed one is forgotten. Default 100,000.
    /// </summary>
    public int TrackedUnknownUsernames { get; set; } = 100_000;
}
