using Baton.Core.Users;

namespace Baton.Core.Tests.Users;

/// <summary>SECURITY.md 46: compatibility forms are one account, invisible characters are refused, look-alikes share a skeleton.</summary>
public sealed class UsernameNormalizationTests
{
    [Theory]
    [InlineData("\uFF21\uFF24\uFF2D\uFF29\uFF2E")] // ＡＤＭＩＮ, fullwidth
    [InlineData("\u1D43dmin")]                     // ᵃdmin, modifier small a
    [InlineData("\u24D0dmin")]                     // ⓐdmin, circled
    [InlineData("ADMIN")]
    public void Normalize_CompatibilityForm_IsAdmin(string username) =>
        Assert.Equal(UsernameNormalizer.Normalize("admin"), UsernameNormalizer.Normalize(username));

    [Fact]
    public void Normalize_DecomposedAccent_IsTheComposedName() =>
        Assert.Equal(UsernameNormalizer.Normalize("Jos\u00E9"), UsernameNormalizer.Normalize("Jose\u0301"));

    [Fact]
    public void TryNormalize_UnpairedSurrogate_IsFalse() =>
        Assert.False(UsernameNormalizer.TryNormalize("ad" + (char)0xD800 + "min", out _));

    [Fact]
    public void EnsureAvailable_WithIcu_DoesNotThrow() => UsernameNormalizer.EnsureAvailable();

    [Fact]
    public void ConfusableSkeleton_Table_IsLoaded() => Assert.InRange(ConfusableSkeleton.Count, 5000, 10000);

    [Theory]
    [InlineData("\u0430dmin", "admin")]   // Cyrillic а
    [InlineData("g\u03BFogle", "google")] // Greek omicron
    [InlineData("\u0410DMIN", "ADMIN")]   // Cyrillic А
    [InlineData("rnary", "mary")]         // TR39 maps m to rn
    [InlineData("b0b", "bob")]            // TR39 maps 0 to O, and the case is folded after
    [InlineData("bi11", "bill")]          // 1 to l
    [InlineData("aIice", "alice")]        // capital I to l
    [InlineData("\u0261oo", "goo")]       // Latin script g
    public void Skeleton_LookAlike_IsTheSame(string lookAlike, string original) =>
        Assert.Equal(UsernameNormalizer.Skeleton(original), UsernameNormalizer.Skeleton(lookAlike));

    [Theory]
    [InlineData("rnary", "MARY")] // the skeleton is of the name as shown: M does not look like rn
    [InlineData("alice", "alicia")]
    [InlineData("admin", "admins")]
    public void Skeleton_DifferentLooks_Differ(string one, string other) =>
        Assert.NotEqual(UsernameNormalizer.Skeleton(one), UsernameNormalizer.Skeleton(other));

    [Fact]
    public void ConfusableSkeleton_IsTr39NotFolded()
    {
        // TR39 alone keeps case; Baton folds afterwards.
        Assert.Equal("rnary", ConfusableSkeleton.Of("mary"));
        Assert.Equal("MARY", ConfusableSkeleton.Of("MARY"));
        Assert.Equal("adrnin", ConfusableSkeleton.Of("\u0430dmin"));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("Jos\u00E9")]
    [InlineData("Jose\u0301")]       // composes under NFKC
    [InlineData("\u5317\u4EAC")]     // 北京
    [InlineData("\u0928\u092E\u0938\u094D\u0924\u0947")] // नमस्ते: marks on Devanagari letters
    [InlineData("O'Brien")]
    [InlineData("a.b+c@example.com")]
    [InlineData("\uFF21\uFF24\uFF2D\uFF29\uFF2E")]
    public void Check_OrdinaryName_IsAllowed(string username) => Assert.Null(UsernameRules.Check(username));

    [Theory]
    [InlineData("ad\u00ADmin")]   // soft hyphen
    [InlineData("ad\u200Dmin")]   // zero-width joiner
    [InlineData("ad\u200Cmin")]   // zero-width non-joiner
    [InlineData("ad\u200Bmin")]   // zero-width space
    [InlineData("ad\uFEFFmin")]   // BOM / zero-width no-break space
    [InlineData("ad\u2060min")]   // word joiner
    [InlineData("ad\u202Emin")]   // right-to-left override
    [InlineData("ad\u202Amin")]   // left-to-right embedding
    [InlineData("ad\u2066min")]   // left-to-right isolate
    [InlineData("ad\u2069min")]   // pop directional isolate
    [InlineData("ad\u061Cmin")]   // Arabic letter mark
    [InlineData("ad\u3164min")]   // Hangul filler
    [InlineData("ad\u115Fmin")]   // Hangul choseong filler
    [InlineData("ad\u1160min")]   // Hangul jungseong filler
    [InlineData("ad\uFFA0min")]   // halfwidth Hangul filler
    [InlineData("ad\u2800min")]   // braille pattern blank
    [InlineData("ad\u034Fmin")]   // combining grapheme joiner
    [InlineData("ad\uFE0Fmin")]   // variation selector 16
    [InlineData("ad\uDB40\uDD00min")] // variation selector 17 (U+E0100)
    [InlineData("ad\uDB40\uDC41min")] // tag latin small letter a (U+E0041)
    [InlineData("ad\u180Emin")]   // Mongolian vowel separator
    [InlineData("ad min")]
    [InlineData("ad\u00A0min")]   // no-break space
    [InlineData("ad\u3000min")]   // ideographic space
    [InlineData("ad\u2028min")]   // line separator
    [InlineData("ad\tmin")]
    [InlineData("ad\u0000min")]
    [InlineData("ad\uE000min")]   // private use
    [InlineData("ad\uFFFEmin")]   // noncharacter
    public void Check_InvisibleCharacter_IsRefused(string username) => Assert.NotNull(UsernameRules.Check(username));

    [Fact]
    public void Check_UnpairedSurrogate_IsRefused() =>
        Assert.NotNull(UsernameRules.Check("ad" + (char)0xD800 + "min")); // built here: theory data would carry U+FFFD instead

    [Theory]
    [InlineData("admi\u0307n")]          // dot above on i: looks like admin
    [InlineData("adm\u0131\u0307n")]     // dot above on dotless i
    [InlineData("\u0301admin")]          // a mark with nothing under it
    [InlineData("adm\u00ED\u0301n")]     // a second acute on í
    [InlineData("\u5317\u0300\u0301\u0302\u0303\u0304")] // five marks in a row
    public void Check_HiddenMark_IsRefused(string username) => Assert.NotNull(UsernameRules.Check(username));

    [Theory]
    [InlineData("Pixel \u202Eelif")]
    [InlineData("tab\tbed")]
    [InlineData("zero\u200Bwidth")]
    public void HasControlOrFormat_DeviceNameTrick_IsTrue(string name) => Assert.True(UsernameRules.HasControlOrFormat(name));

    [Fact]
    public void HasControlOrFormat_UnpairedSurrogate_IsTrue() =>
        Assert.True(UsernameRules.HasControlOrFormat("bad" + (char)0xDC00 + "half"));

    [Theory]
    [InlineData("Alice's iPhone")]
    [InlineData("Firefox \u2764\uFE0F")] // a variation selector is not a format character
    public void HasControlOrFormat_OrdinaryName_IsFalse(string name) => Assert.False(UsernameRules.HasControlOrFormat(name));
}
