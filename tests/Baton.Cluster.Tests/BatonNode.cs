using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Baton.Cluster.Tests;

/// <summary>One Baton server process on a loopback port, configured through environment variables as an operator would.</summary>
public sealed class BatonNode : IAsyncDisposable
{
    public const string AdminUsername = "cluster-admin";
    public const string AdminPassword = "correct horse battery staple";
    public const string AdminKey = "cluster-admin-key";

    private readonly Dictionary<string, string> _environment;
    private Process? _process;

    public BatonNode(string name, string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        Name = name;
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        _environment = new Dictionary<string, string>
        {
            ["Urls"] = BaseAddress.ToString(),
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Baton__Store__Provider"] = "Postgres",
            ["Baton__Postgres__ConnectionString"] = connectionString,
            ["Baton__Postgres__CommandTimeout"] = "00:00:02",
            ["Baton__Engine__NodeName"] = name,
            ["Baton__Accounts__PasswordIterations"] = "1000",
            ["Baton__RateLimits__LoginPerMinute"] = "0",
            ["Baton__RateLimits__RegisterPerMinute"] = "0",
            ["Baton__RateLimits__RefreshPerMinute"] = "0",
            ["Baton__RateLimits__PasswordChecksPerMinute"] = "0",
            ["Baton__Sessions__MaxSessionsPerUser"] = "3",
            ["Baton__Bootstrap__AdminUsername"] = AdminUsername,
            ["Baton__Bootstrap__AdminPassword"] = AdminPassword,
            ["Baton__ApiKeys__Keys__0__Name"] = "cluster-tests",
            ["Baton__ApiKeys__Keys__0__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AdminKey))),
            ["Baton__ApiKeys__Keys__0__Scopes__0"] = "sessions:admin",
            ["Baton__ApiKeys__Keys__0__Scopes__1"] = "sessions:issue",
            ["Baton__ApiKeys__Keys__0__Scopes__2"] = "tokens:introspect",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _environment[key] = value;
        }
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server's own build output, next to this test project's in the same configuration.</summary>
    public static string ServerAssembly
    {
        get
        {
            var testOutput = AppContext.BaseDirectory; // .../tests/Baton.Cluster.Tests/bin/<Configuration>/<tfm>/
            var parts = testOutput.TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
            var configuration = parts[^2];
            var framework = parts[^1];
            var root = Path.GetFullPath(Path.Combine(testOutput, "..", "..", "..", "..", ".."));
            return Path.Combine(root, "src", "Baton.Server", "bin", configuration, framework, "Baton.Server.dll");
        }
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet", [ServerAssembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(ServerAssembly)!,
        };
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Baton.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Errors.Add(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Lines the process wrote to stderr, for failure messages.</summary>
    public System.Collections.Concurrent.ConcurrentBag<string> Errors { get; } = [];

    /// <summary>SIGKILL: no shutdown, no flushing, as in a crash.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit();
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async Task WaitUntilReadyAsync(TimeSpan patience)
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}: {string.Join('\n', Errors)}");
            }

            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not become ready: {string.Join('\n', Errors)}");
            }

            await Task.Delay(100);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (IsRunning)
        {
            Kill();
        }

        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
