namespace Baton.Api.Options;

/// <summary>The scopes an API key can hold.</summary>
public static class ApiScopes
{
    /// <summary>Start sessions for the backend's own user ids (<c>POST /v1/sessions</c>).</summary>
    public const string SessionsIssue = "sessions:issue";

    /// <summary>List, kick and revoke any user's sessions.</summary>
    public const string SessionsAdmin = "sessions:admin";

    /// <summary>Introspect tokens and follow the revocation feed.</summary>
    public const string TokensIntrospect = "tokens:introspect";

    /// <summary>Every known scope.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { SessionsIssue, SessionsAdmin, TokensIntrospect };
}
