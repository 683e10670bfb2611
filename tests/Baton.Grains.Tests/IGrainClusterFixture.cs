using Orleans.TestingHost;

namespace Baton.Grains.Tests;

/// <summary>A test cluster the grain tests run on, whatever grain storage its silos use.</summary>
public interface IGrainClusterFixture
{
    TestCluster Cluster { get; }
}
