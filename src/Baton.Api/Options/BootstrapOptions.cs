namespace Baton.Api.Options;

/// <summary>
/// An administrator account created at start-up, so a new installation needs no database access
/// to get one. An existing account with the username is never promoted: unless this bootstrap
/// created it (it holds the admin role), start-up fails. Section <c>Baton:Bootstrap</c>; set the
/// password through the environment (<c>Baton__Bootstrap__AdminPassword</c>), not a file.
/// </summary>
public sealed class BootstrapOptions
{
    public const string SectionName = "Baton:Bootstrap";

    /// <summary>The admin's username; nothing is created when unset.</summary>
    public string? AdminUsername { get; set; }

    /// <summary>The admin's password, used only when the account does not exist yet.</summary>
    public string? AdminPassword { get; set; }
}
