using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Baton.Core.Users;

/// <summary>
/// One spelling per username: "Alice", "ALICE" and a compatibility-equivalent Unicode form
/// ("ＡＬＩＣＥ", "ᵃlice") are one account; and one skeleton per look-alike family, so "аlice" with a
/// Cyrillic "а" cannot stand beside "alice". NFKC needs ICU: <see cref="EnsureAvailable"/> fails
/// fast where the process runs without it.
/// </summary>
public static class UsernameNormalizer
{
    /// <summary>NFKC, then upper case (invariant), then trimmed: the account's lookup key.</summary>
    /// <exception cref="ArgumentException">The username is not valid UTF-16 (an unpaired surrogate, U+FFFE).</exception>
    public static string Normalize(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        return username.Normalize(NormalizationForm.FormKC).ToUpperInvariant().Trim();
    }

    /// <summary>The lookup key, or false for a string that cannot be normalized and so names no account.</summary>
    public static bool TryNormalize(string username, [NotNullWhen(true)] out string? normalized)
    {
        ArgumentNullException.ThrowIfNull(username);
        try
        {
            normalized = Normalize(username);
            return true;
        }
        catch (ArgumentException)
        {
            normalized = null;
            return false;
        }
    }

    /// <summary>
    /// The look-alike key, unique among accounts: the TR39 skeleton (<see cref="ConfusableSkeleton"/>)
    /// of the NFKC form, then upper case (invariant) and NFD again. The skeleton is taken before the
    /// case is folded because confusables are about how the name is shown: <c>rnary</c> looks like
    /// <c>mary</c> (TR39 maps <c>m</c> to <c>rn</c>) but not like <c>MARY</c>; digits that pass for
    /// letters (<c>0</c> for <c>O</c>, <c>1</c> for <c>l</c>) are confusables in TR39 too.
    /// </summary>
    /// <exception cref="ArgumentException">The username is not valid UTF-16 (an unpaired surrogate, U+FFFE).</exception>
    public static string Skeleton(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        var skeleton = ConfusableSkeleton.Of(username.Normalize(NormalizationForm.FormKC).Trim());
        return skeleton.ToUpperInvariant().Normalize(NormalizationForm.FormD);
    }

    /// <summary>
    /// Throws when this process cannot normalize Unicode (it runs in invariant globalization mode,
    /// or without ICU), where every compatibility form of a username would become an account of its own.
    /// </summary>
    public static void EnsureAvailable()
    {
        bool works;
        try
        {
            works = string.Equals(Normalize("\uFF21\u1D43"), "AA", StringComparison.Ordinal); // fullwidth A, modifier small a
        }
        catch (PlatformNotSupportedException)
        {
            works = false;
        }

        if (!works)
        {
            throw new InvalidOperationException(
                "Unicode normalization does not work in this process, so usernames cannot be normalized (SECURITY.md 46). " +
                "Baton needs ICU: install libicu, and do not set DOTNET_SYSTEM_GLOBALIZATION_INVARIANT or InvariantGlobalization.");
        }
    }
}
