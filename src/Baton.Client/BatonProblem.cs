using System.Text.Json;

namespace Baton.Client;

/// <summary>The <c>code</c>, <c>reason</c> and <c>detail</c> of one of Baton's problem+json answers.</summary>
internal sealed record BatonProblem(string? Code, string? Reason, string? Detail)
{
    // Baton's problems are a few hundred bytes; anything much larger is not one.
    private const int MaxLength = 64 * 1024;

    /// <summary>
    /// Reads the problem, buffering the body first so the caller can still read it when the
    /// response is handed on. <see langword="null"/> when the answer is not problem+json.
    /// </summary>
    public static async Task<BatonProblem?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var content = response.Content;
        if (content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json")
            || content.Headers.ContentLength is > MaxLength)
        {
            return null;
        }

        await content.LoadIntoBufferAsync(MaxLength, cancellationToken);
        var body = await content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            return root.ValueKind != JsonValueKind.Object
                ? null
                : new BatonProblem(StringOf(root, "code"), StringOf(root, "reason"), StringOf(root, "detail"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
