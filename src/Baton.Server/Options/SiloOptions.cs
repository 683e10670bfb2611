namespace Baton.Server.Options;

/// <summary>The co-hosted silo of the embedded default. Section <c>Baton:Silo</c>.</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Baton:Silo";

    /// <summary>The silo-to-silo port on loopback; a free one when unset (one process needs no fixed port).</summary>
    public int? SiloPort { get; set; }

    /// <summary>The gateway port on loopback; a free one when unset.</summary>
    public int? GatewayPort { get; set; }
}
