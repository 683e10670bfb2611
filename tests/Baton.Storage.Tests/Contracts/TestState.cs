namespace Baton.Storage.Tests.Contracts;

/// <summary>A small grain state with a nested value, a list and a nullable field, like the ledger.</summary>
public sealed class TestState
{
    public string Owner { get; set; } = "";

    public int Generation { get; set; }

    public List<TestSession> Sessions { get; set; } = [];

    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>One entry of <see cref="TestState"/>.</summary>
public sealed record TestSession(string Id, string Device);
