namespace Baton.Server.Accounts;

/// <summary>Roles Baton itself understands.</summary>
internal static class Roles
{
    /// <summary>May use the admin API.</summary>
    public const string Admin = "admin";
}
