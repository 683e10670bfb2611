using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Baton.Core.Users;

/// <summary>
/// The confusable skeleton of Unicode TR39 §4: NFD, each code point replaced by its prototype
/// from confusables.txt, NFD again. Two strings with the same skeleton look alike (<c>аdmin</c> with
/// a Cyrillic <c>а</c> and <c>admin</c>). The prototypes are in Confusables.txt beside this file,
/// generated from ICU's copy of confusables.txt by tools/Confusables/GenerateConfusables.cs.
/// </summary>
public static class ConfusableSkeleton
{
    private static readonly Lazy<FrozenDictionary<int, string>> Prototypes = new(Load);

    /// <summary>The number of code points with a prototype other than themselves.</summary>
    public static int Count => Prototypes.Value.Count;

    /// <summary>The TR39 skeleton of <paramref name="text"/>, which must be valid UTF-16 (see <see cref="UsernameRules"/>).</summary>
    /// <exception cref="ArgumentException">The text has an unpaired surrogate or a code point NFD refuses (U+FFFE).</exception>
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var prototypes = Prototypes.Value;
        var mapped = new StringBuilder(text.Length);
        foreach (var rune in text.Normalize(NormalizationForm.FormD).EnumerateRunes())
        {
            if (prototypes.TryGetValue(rune.Value, out var prototype))
            {
                mapped.Append(prototype);
            }
            else
            {
                mapped.Append(rune.ToString());
            }
        }

        return mapped.ToString().Normalize(NormalizationForm.FormD);
    }

    private static FrozenDictionary<int, string> Load()
    {
        using var stream = typeof(ConfusableSkeleton).Assembly.GetManifestResourceStream("Baton.Core.Users.Confusables.txt")
            ?? throw new InvalidOperationException("Baton.Core was built without its Confusables.txt resource.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var prototypes = new Dictionary<int, string>();
        var prototype = new StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // "430;61": the code point, then its prototype's code points, all hex.
            var separator = line.IndexOf(';', StringComparison.Ordinal);
            prototype.Clear();
            foreach (var part in line[(separator + 1)..].Split(' '))
            {
                prototype.Append(char.ConvertFromUtf32(int.Parse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            prototypes.Add(int.Parse(line.AsSpan(0, separator), NumberStyles.HexNumber, CultureInfo.InvariantCulture), prototype.ToString());
        }

        return prototypes.ToFrozenDictionary();
    }
}
