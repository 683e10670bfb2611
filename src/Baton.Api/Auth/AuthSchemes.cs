namespace Baton.Api.Auth;

/// <summary>Authentication scheme and policy names.</summary>
internal static class AuthSchemes
{
    /// <summary>Picks <see cref="ApiKey"/> when an API key header is present, else <see cref="Bearer"/>.</summary>
    public const string Default = "Baton";
    public const string Bearer = "BatonBearer";
    public const string ApiKey = "BatonApiKey";
    public const string ApiKeyHeader = "X-Api-Key";

    public const string UserPolicy = "user";
    public const string AdminPolicy = "admin";
    public const string IssuePolicy = "sessions:issue";
    public const string IntrospectPolicy = "tokens:introspect";
}
