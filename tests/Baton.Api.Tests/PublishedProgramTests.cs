using System.Net;

namespace Baton.Api.Tests;

/// <summary>
/// Baton started as a published program is (<c>dotnet /opt/baton/Baton.Api.dll</c>) from another
/// working directory: the content root is the program's folder, start-up says which configuration
/// files it loaded, and the built-in defaults hold (no per-request Information logs) even with none.
/// </summary>
public sealed class PublishedProgramTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("baton-published-").FullName;

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "published-test.db*"))
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Start_FromAnotherDirectory_LoadsTheProgramFoldersSettings()
    {
        var output = await RunAsync([]);

        var appsettings = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        Assert.Contains($"configuration file {appsettings}: loaded", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "published-test.db")), "a relative database path is the content root's");
        Assert.DoesNotContain("Request starting", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithNoConfigurationFile_KeepsTheBuiltInLogLevels()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_directory, "empty")).FullName;

        var output = await RunAsync(["--contentRoot", empty]);

        Assert.Contains($"configuration file {Path.Combine(empty, "appsettings.json")}: not found", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Request finished", output, StringComparison.Ordinal);
        // Start-up places grains (key ring, accounts): neither the silo nor its placement pipeline talks at Information.
        Assert.DoesNotContain("info: Polly", output, StringComparison.Ordinal);
        Assert.DoesNotContain("info: Orleans", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the server from <see cref="_directory"/>, makes a few requests, stops it, and returns what it printed.</summary>
    private async Task<string> RunAsync(string[] arguments)
    {
        var database = arguments.Length == 0 ? "published-test.db" : Path.Combine(_directory, "baton.db");
        await using var baton = await BatonProcess.StartAsync(
            database, new Dictionary<string, string> { ["Baton:Accounts:PasswordIterations"] = "1000" }, _directory, arguments);
        for (var i = 0; i < 5; i++)
        {
            using var jwks = await baton.Http.GetAsync(new Uri("/.well-known/jwks.json", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
        }

        await baton.KillAsync();
        return baton.Output;
    }
}
