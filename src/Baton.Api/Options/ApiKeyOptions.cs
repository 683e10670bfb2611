namespace Baton.Api.Options;

/// <summary>
/// API keys of trusted backends and automation. Section <c>Baton:ApiKeys</c>. Only SHA-256
/// hashes are configured (<c>dotnet run --project src/Baton.Api -- hash-api-key KEY</c>
/// prints one), so configuration never holds a usable key.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Baton:ApiKeys";

    /// <summary>The keys.</summary>
    public List<ApiKeyEntry> Keys { get; set; } = [];
}

/// <summary>One API key.</summary>
public sealed class ApiKeyEntry
{
    /// <summary>Who holds it (logged and shown as the caller).</summary>
    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the key.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>What it may do: <c>sessions:issue</c>, <c>sessions:admin</c>, <c>tokens:introspect</c>.</summary>
    public List<string> Scopes { get; set; } = [];
}
