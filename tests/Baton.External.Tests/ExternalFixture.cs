namespace Baton.External.Tests;

/// <summary>One fake provider and one Baton for a test class.</summary>
public sealed class ExternalFixture : IAsyncLifetime
{
    public FakeProvider Provider { get; private set; } = null!;

    public ExternalBaton Baton { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await FakeProvider.StartAsync();
        Baton = new ExternalBaton(Provider);
        _ = Baton.Server;
    }

    public async Task DisposeAsync()
    {
        await Baton.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
