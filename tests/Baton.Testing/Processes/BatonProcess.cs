using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Baton.Testing.Processes;

/// <summary>
/// The built program (<c>dotnet Baton.Api.dll</c>) as a real process of its own on a free loopback
/// port, on a given SQLite file, for what a test server cannot have: a SIGKILL at any moment, a real
/// browser. The referencing test project references Baton.Api, so Baton.Api.dll is beside its own.
/// </summary>
public sealed class BatonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BatonProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <summary>What the process printed so far (its output is appended from other threads).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts Baton on <paramref name="databasePath"/> with <paramref name="settings"/> (configuration
    /// keys, <c>:</c>-separated) and <paramref name="arguments"/>, in <paramref name="workingDirectory"/>
    /// (default: the database's folder), on <paramref name="port"/> (default: a free one; pass
    /// <see cref="FreeLoopbackPort"/> to put Baton's own address into its settings), and waits until it is ready.
    /// </summary>
    public static async Task<BatonProcess> StartAsync(
        string databasePath, IReadOnlyDictionary<string, string> settings, string? workingDirectory = null, IReadOnlyList<string>? arguments = null, int? port = null)
    {
        port ??= FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Baton.Api.dll"), .. arguments ?? []])
        {
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(databasePath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Baton__Sqlite__Path"] = databasePath;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var baton = new BatonProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        baton._process.OutputDataReceived += (_, e) => baton.Append(e.Data);
        baton._process.ErrorDataReceived += (_, e) => baton.Append(e.Data);
        baton._process.BeginOutputReadLine();
        baton._process.BeginErrorReadLine();
        try
        {
            await baton.WaitUntilReadyAsync();
        }
        catch
        {
            await baton.DisposeAsync();
            throw;
        }

        return baton;
    }

    /// <summary>SIGKILL: no shutdown, no flush, whatever the process was doing.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.False(_process.HasExited, $"the server exited: {Output}");
            try
            {
                using var ready = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, $"the server did not become ready: {Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
