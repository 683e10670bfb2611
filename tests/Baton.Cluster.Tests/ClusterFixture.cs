using Baton.Testing.Postgres;

namespace Baton.Cluster.Tests;

/// <summary>Three Baton processes started together on one fresh PostgreSQL database.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public IReadOnlyList<BatonNode> Nodes { get; private set; } = [];

    public IReadOnlyList<HttpClient> Clients { get; private set; } = [];

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (RequiresPostgres.SkipReason is not null)
        {
            return;
        }

        ConnectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        Nodes = [.. Enumerable.Range(0, 3).Select(i => new BatonNode($"node-{(char)('a' + i)}", ConnectionString))];
        // Started at once: migrations and the first signing keys race, as in a real rollout.
        await Task.WhenAll(Nodes.Select(n => n.StartAsync()));
        Clients = [.. Nodes.Select(n => n.CreateClient())];
    }

    public async Task DisposeAsync()
    {
        foreach (var client in Clients)
        {
            client.Dispose();
        }

        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}

/// <summary>Whether the cluster tests can run here (the same rule as <see cref="PostgresFactAttribute"/>).</summary>
public static class RequiresPostgres
{
    public static string? SkipReason =>
        PostgresServer.IsAvailable || Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ? null : "PostgreSQL is not installed here.";
}
