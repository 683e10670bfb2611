namespace Baton.Silo;

/// <summary>The silo's endpoints. Section <c>Baton:Silo</c>.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Baton:Silo";

    /// <summary>The silo-to-silo port on loopback; a free one when unset (one process needs no fixed port).</summary>
    public int? SiloPort { get; set; }

    /// <summary>The gateway port on loopback for Orleans clients outside this process; unset (0), none: the API is a client inside the silo.</summary>
    public int? GatewayPort { get; set; }
}
