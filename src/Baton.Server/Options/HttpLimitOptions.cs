namespace Baton.Server.Options;

/// <summary>Request size limits. Section <c>Baton:Http</c>.</summary>
public sealed class HttpLimitOptions
{
    public const string SectionName = "Baton:Http";

    /// <summary>Largest request body; larger ones get 413. Default 16 KiB (Baton's requests are small).</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024;
}
