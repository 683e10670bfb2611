namespace Baton.Silo;

/// <summary>
/// The silo's endpoints. Section <c>Baton:Silo</c>. They are not an API: anything that reaches the
/// silo or gateway port can call any grain, so they bind to <see cref="Address"/> only (loopback by
/// default) and belong on a private network (SECURITY.md 42).
/// </summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Baton:Silo";

    /// <summary>The cluster's default silo-to-silo port.</summary>
    public const int DefaultClusterSiloPort = 11111;

    /// <summary>The cluster's default gateway port.</summary>
    public const int DefaultClusterGatewayPort = 30000;

    /// <summary>
    /// The address the silo and gateway ports bind to and that other silos and clients are told
    /// (one concrete address, not 0.0.0.0). Default 127.0.0.1. The embedded default is always on loopback.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>
    /// The silo-to-silo port. Embedded: a free one on loopback when unset (one process needs no
    /// fixed port). Cluster: <see cref="DefaultClusterSiloPort"/> when unset.
    /// </summary>
    public int? SiloPort { get; set; }

    /// <summary>
    /// The gateway port for Orleans clients (API fronts) outside this process. Embedded: none when
    /// unset or 0 (the API is a client inside the silo). Cluster: <see cref="DefaultClusterGatewayPort"/>
    /// when unset; 0 for a silo that takes no clients.
    /// </summary>
    public int? GatewayPort { get; set; }
}
