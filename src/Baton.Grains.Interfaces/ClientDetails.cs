using Baton.Core.Ledgers;

namespace Baton.Grains;

/// <summary>Where a request came from (the message form of <see cref="ClientInfo"/>).</summary>
/// <param name="IpAddress">The client's address.</param>
/// <param name="UserAgent">The client's user agent.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.ClientDetails")]
public sealed record ClientDetails(
    [property: Id(0)] string? IpAddress,
    [property: Id(1)] string? UserAgent)
{
    /// <summary>No client information (background work, tests).</summary>
    public static ClientDetails None { get; } = new(null, null);

    /// <summary>The message form of <paramref name="client"/>.</summary>
    public static ClientDetails From(ClientInfo client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return new(client.IpAddress, client.UserAgent);
    }

    /// <summary>The domain form.</summary>
    public ClientInfo ToClientInfo() => new(IpAddress, UserAgent);
}
