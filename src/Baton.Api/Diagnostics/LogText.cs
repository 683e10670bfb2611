using System.Globalization;
using System.Text;

namespace Baton.Api.Diagnostics;

/// <summary>
/// Makes a user-supplied string safe for a log line (SECURITY.md 48): anything but printable ASCII
/// becomes a <c>\uXXXX</c> escape, so a line break or a terminal escape in a path cannot forge a line,
/// and the result is cut to a bounded length.
/// </summary>
internal static class LogText
{
    private const int MaxLength = 256;

    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = value.Length > MaxLength ? value[..MaxLength] : value;
        if (text.All(c => c is >= ' ' and < (char)127 and not '\\'))
        {
            return text.Length == value.Length ? text : text + "...";
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (c is >= ' ' and < (char)127 and not '\\')
            {
                escaped.Append(c);
            }
            else
            {
                escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return text.Length == value.Length ? escaped.ToString() : escaped.Append("...").ToString();
    }
}
