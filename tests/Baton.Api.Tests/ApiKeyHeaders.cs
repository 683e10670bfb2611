namespace Baton.Api.Tests;

/// <summary>The <c>X-Api-Key</c> header of each test API key (<see cref="BatonFactory"/>), for <c>using static</c>.</summary>
internal static class ApiKeyHeaders
{
    /// <summary><c>sessions:admin</c>.</summary>
    public static Dictionary<string, string> AdminKey => new() { ["X-Api-Key"] = BatonFactory.AdminKey };

    /// <summary><c>sessions:issue</c>.</summary>
    public static Dictionary<string, string> IssueKey => new() { ["X-Api-Key"] = BatonFactory.IssueKey };

    /// <summary><c>tokens:introspect</c>.</summary>
    public static Dictionary<string, string> IntrospectKey => new() { ["X-Api-Key"] = BatonFactory.IntrospectKey };
}
