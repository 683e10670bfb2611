using System.Text;

namespace Baton.Core.Users;

/// <summary>One spelling per username: "Alice", "ALICE" and a compatibility-equivalent Unicode form are one account.</summary>
public static class UsernameNormalizer
{
    /// <summary>NFKC, then upper case (invariant), then trimmed.</summary>
    public static string Normalize(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        return username.Normalize(NormalizationForm.FormKC).ToUpperInvariant().Trim();
    }
}
