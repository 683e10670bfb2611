namespace Baton.Grains;

/// <summary>The persistent state of an <see cref="AccountGrain"/>: the account, or null when the username holds none (never registered, deleted).</summary>
/// <param name="Account">The account as last written.</param>
public sealed record AccountState(AccountDetails? Account)
{
    /// <summary>The state of a username with nothing stored.</summary>
    public AccountState()
        : this((AccountDetails?)null)
    {
    }
}
