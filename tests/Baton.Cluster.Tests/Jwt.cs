using System.Text;
using System.Text.Json;

namespace Baton.Cluster.Tests;

/// <summary>Reads a claim of a token the test was given (no verification: the fronts verify).</summary>
internal static class Jwt
{
    public static string Claim(string token, string name)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        return document.RootElement.GetProperty(name).GetString()!;
    }
}
