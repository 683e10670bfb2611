using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

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
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Baton.Api.dll"), .. arguments])
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Baton__Sqlite__Path"] = arguments.Length == 0 ? "published-test.db" : Path.Combine(_directory, "baton.db");
        start.Environment["Baton__Accounts__PasswordIterations"] = "1000";
        foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT" })
        {
            start.Environment.Remove(name);
        }

        var output = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilLiveAsync(http, process, output);
            for (var i = 0; i < 5; i++)
            {
                using var jwks = await http.GetAsync(new Uri("/.well-known/jwks.json", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, jwks.StatusCode);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return Snapshot(output);
    }

    /// <summary>What the process printed so far; its output is appended from other threads.</summary>
    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static async Task WaitUntilLiveAsync(HttpClient http, Process process, StringBuilder output)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"the server exited: {Snapshot(output)}");
            }

            try
            {
                using var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
                if (live.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"the server did not start: {Snapshot(output)}");
            }

            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
