namespace Baton.Grains;

/// <summary>The key of an <see cref="IExternalIdentityGrain"/>.</summary>
public static class ExternalIdentityKey
{
    /// <summary>
    /// <paramref name="provider"/> (a configured name: lower-case letters, digits and dashes, so it
    /// holds no colon) and the provider's <paramref name="subject"/>, joined by a colon: unambiguous.
    /// </summary>
    public static string Of(string provider, string subject) => provider + ":" + subject;
}
