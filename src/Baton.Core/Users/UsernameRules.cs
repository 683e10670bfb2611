using System.Buffers;
using System.Globalization;
using System.Text;

namespace Baton.Core.Users;

/// <summary>
/// The characters a username may have (SECURITY.md 46). Refused, in the username as sent and in its
/// NFKC form: whitespace and separators, controls, format characters (soft hyphen, zero-width
/// joiners, the byte order mark, bidi controls), surrogates that do not pair, private-use,
/// unassigned and noncharacter code points, every Default_Ignorable_Code_Point (Hangul fillers,
/// variation selectors, the combining grapheme joiner, tags) and the blank braille pattern.
/// Combining marks are refused where they hide: at the start, after a character that is or looks
/// like Basic Latin (a Latin letter with an accent composes under NFKC, so a mark left over there
/// overlays a letter, as U+0307 does on <c>i</c> or on a dotless <c>ı</c>), repeated, or more than
/// four in a row (TR39 §5.4).
/// Everything else, letters, digits, punctuation and symbols of any script, is allowed.
/// </summary>
public static class UsernameRules
{
    private const int MaxMarksInARow = 4;

    /// <summary>Null when <paramref name="username"/> may be registered, otherwise why not.</summary>
    public static string? Check(string username)
    {
        ArgumentNullException.ThrowIfNull(username);
        if (!IsValidUtf16(username) || HasInvisible(username))
        {
            return "Whitespace, control, format and invisible characters are not allowed.";
        }

        var normalized = username.Normalize(NormalizationForm.FormKC);
        if (HasInvisible(normalized))
        {
            return "Whitespace, control, format and invisible characters are not allowed.";
        }

        return HasHiddenMarks(normalized) ? "Combining marks must follow a letter they can be seen on, at most four in a row." : null;
    }

    /// <summary>
    /// True for code points that do not show, or change how their neighbours show, in free text
    /// such as a device name: controls, format characters (bidi controls among them), line and
    /// paragraph separators, and halves of a surrogate pair.
    /// </summary>
    public static bool IsControlOrFormat(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;

    /// <summary>True when <paramref name="text"/> has an unpaired surrogate or a control or format character.</summary>
    public static bool HasControlOrFormat(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsValidUtf16(text))
        {
            return true;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (IsControlOrFormat(rune))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out _, out var consumed) != OperationStatus.Done)
            {
                return false;
            }

            i += consumed - 1;
        }

        return true;
    }

    private static bool HasInvisible(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsInvisible(rune))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInvisible(Rune rune) =>
        IsControlOrFormat(rune)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.SpaceSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
        || IsNoncharacter(rune.Value)
        || IsDefaultIgnorable(rune.Value)
        || rune.Value == 0x2800; // BRAILLE PATTERN BLANK: a symbol that draws nothing

    private static bool IsNoncharacter(int c) => c is >= 0xFDD0 and <= 0xFDEF || (c & 0xFFFE) == 0xFFFE;

    /// <summary>Default_Ignorable_Code_Point (Unicode DerivedCoreProperties): drawn as nothing when not supported.</summary>
    private static bool IsDefaultIgnorable(int c) => c is 0x00AD or 0x034F or 0x061C
        or (>= 0x115F and <= 0x1160) or (>= 0x17B4 and <= 0x17B5) or (>= 0x180B and <= 0x180F)
        or (>= 0x200B and <= 0x200F) or (>= 0x202A and <= 0x202E) or (>= 0x2060 and <= 0x206F)
        or 0x3164 or (>= 0xFE00 and <= 0xFE0F) or 0xFEFF or 0xFFA0 or (>= 0xFFF0 and <= 0xFFF8)
        or (>= 0x1BCA0 and <= 0x1BCA3) or (>= 0x1D173 and <= 0x1D17A) or (>= 0xE0000 and <= 0xE0FFF);

    private static bool HasHiddenMarks(string normalized)
    {
        // Where a mark sits: NFKC has composed every accent that has a letter of its own.
        Rune? previousBase = null;
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (!IsMark(rune))
            {
                previousBase = rune;
            }
            else if (previousBase is not { } letter || LooksBasicLatin(letter))
            {
                return true;
            }
        }

        // How many: NFD takes the composed letters apart again, so "á" plus U+0301 is two acutes.
        Rune? previous = null;
        var marks = 0;
        foreach (var rune in normalized.Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            marks = IsMark(rune) ? marks + 1 : 0;
            if (marks > MaxMarksInARow || (marks > 1 && previous == rune))
            {
                return true;
            }

            previous = rune;
        }

        return false;
    }

    private static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark;

    private static bool LooksBasicLatin(Rune rune) => rune.IsAscii || ConfusableSkeleton.Of(rune.ToString()).All(char.IsAscii);
}
