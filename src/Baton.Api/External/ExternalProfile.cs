namespace Baton.Api.External;

/// <summary>Who the provider says signed in.</summary>
/// <param name="Subject">The provider's stable id of the person: the only thing an identity is matched on.</param>
/// <param name="Username">The provider's username, if it gave one.</param>
/// <param name="Email">The provider's email, if it gave one (never used to match).</param>
internal sealed record ExternalProfile(string Subject, string? Username, string? Email);

/// <summary>The provider's answer at the callback: a profile, or why there is none (a detail for the problem, never a token).</summary>
internal sealed record ProviderAnswer(ExternalProfile? Profile, string? Failure)
{
    public static ProviderAnswer Failed(string failure) => new(null, failure);
}
