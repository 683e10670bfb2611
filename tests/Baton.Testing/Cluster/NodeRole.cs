namespace Baton.Testing.Cluster;

/// <summary>What a process of a <see cref="LocalCluster"/> is (DESIGN.md §2).</summary>
public enum NodeRole
{
    /// <summary><c>Baton.Silo.dll</c>: hosts the grains; serves /health and /metrics only.</summary>
    Silo,

    /// <summary><c>Baton.Api.dll</c> as an Orleans client of the silos: the HTTP API.</summary>
    Front,
}
