using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Baton.Api.Accounts;

/// <summary>Roles Baton itself understands.</summary>
internal static class Roles
{
    /// <summary>May use the admin API.</summary>
    public const string Admin = "admin";

    /// <summary>
    /// Every role a Baton policy reads (lower-case ASCII). Only Baton grants these (the bootstrap
    /// creates the admin); a trusted backend's <c>sessions:issue</c> may set any role but these.
    /// A new policy that reads a role adds it here.
    /// </summary>
    public static readonly FrozenSet<string> Reserved = FrozenSet.Create(StringComparer.Ordinal, Admin);

    // Marks a character outside ASCII in a folded role; control characters are dropped, so it cannot occur otherwise.
    private const char AnyLetter = '\0';

    /// <summary>
    /// True when <paramref name="role"/> could be read as a <see cref="Reserved"/> role by a person
    /// or by a looser comparison than Baton's own: case, fullwidth and compatibility forms,
    /// whitespace, invisible characters and combining marks are set aside, and every other
    /// character outside ASCII counts as any letter (accented letters, look-alikes from other
    /// scripts), so no table of confusables has to be complete.
    /// </summary>
    public static bool IsReserved(string role)
    {
        var folded = Fold(role);
        foreach (var name in Reserved)
        {
            if (ReadsAs(folded, name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ReadsAs(string folded, string name)
    {
        if (folded.Length != name.Length)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (folded[i] != AnyLetter && folded[i] != name[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string Fold(string role)
    {
        // A lone surrogate (read as U+FFFD) would make Normalize throw; it reads as nothing.
        var wellFormed = new StringBuilder(role.Length);
        foreach (var rune in role.EnumerateRunes())
        {
            if (rune != Rune.ReplacementChar)
            {
                wellFormed.Append(rune.ToString());
            }
        }

        var folded = new StringBuilder(wellFormed.Length);
        foreach (var rune in wellFormed.ToString().Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            if (IsIgnorable(rune))
            {
                continue;
            }

            // Fullwidth ASCII, mapped as NFKC does (which invariant globalization leaves undone).
            var value = rune.Value is >= 0xFF01 and <= 0xFF5E ? rune.Value - 0xFEE0 : rune.Value;
            folded.Append(value < 0x80 ? char.ToLowerInvariant((char)value) : AnyLetter);
        }

        return folded.ToString();
    }

    private static bool IsIgnorable(Rune rune) =>
        Rune.IsWhiteSpace(rune)
        || rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 // Hangul fillers: letters that show nothing
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark;
}
