using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Baton.Testing.Redis;

/// <summary>
/// A real Redis for tests (STYLE.md: real Redis, one variable, a throwaway default). When
/// <c>BATON_TEST_REDIS</c> names a server (a StackExchange.Redis configuration string), the shared
/// server is that one; otherwise a throwaway Debian <c>redis-server</c> is started on a free
/// loopback port in a temporary directory, without persistence, and stopped when the test process
/// exits. Tests that stop, kill or restart a server start one of their own with
/// <see cref="StartOwnAsync"/>, optionally with the append-only file on.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string ConfigurationVariable = "BATON_TEST_REDIS";

    private static readonly Lazy<Task<RedisServer>> SharedServer = new(StartSharedAsync);
    private readonly string? _directory;
    private readonly string? _binary;
    private readonly AppendFsync? _appendFsync;
    private readonly Lock _gate = new();
    private Process? _process;
    private bool _disposed;

    private RedisServer(string configuration, int port, string? directory, string? binary, AppendFsync? appendFsync)
    {
        Configuration = configuration;
        Port = port;
        _directory = directory;
        _binary = binary;
        _appendFsync = appendFsync;
    }

    /// <summary>A StackExchange.Redis configuration string for the server.</summary>
    public string Configuration { get; }

    /// <summary>The server's port.</summary>
    public int Port { get; }

    /// <summary>The server's working directory (its append-only file lives here), or null for a configured server.</summary>
    public string? Directory => _directory;

    /// <summary>True for a server these tests started (and may stop and start again).</summary>
    public bool IsThrowaway => _directory is not null;

    /// <summary>Whether the process of a throwaway server is running.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false };
            }
        }
    }

    /// <summary>Whether Redis can be had at all: a configured server, or <c>redis-server</c> on PATH.</summary>
    public static bool IsAvailable => Configured is not null || FindBinary() is not null;

    /// <summary>
    /// Why a test that needs Redis is skipped here, or null when it runs. Never skipped when
    /// <c>CI</c> is set: there it runs and fails if no server can be had.
    /// </summary>
    public static string? SkipReason =>
        IsAvailable || Environment.GetEnvironmentVariable("CI") is { Length: > 0 }
            ? null
            : $"Redis is not installed here: install redis-server (.ci/prepare does) or set {ConfigurationVariable} to a StackExchange.Redis configuration string. With CI set this test fails instead.";

    private static string? Configured => Environment.GetEnvironmentVariable(ConfigurationVariable) is { Length: > 0 } value ? value : null;

    /// <summary>The server shared by the whole test run: the configured one, or a throwaway one.</summary>
    public static Task<RedisServer> SharedAsync() => SharedServer.Value;

    /// <summary>
    /// Starts a throwaway server of its own (for tests that stop, kill or restart it) in a directory
    /// of its own; with <paramref name="appendFsync"/>, the append-only file is on with that fsync
    /// policy, so a restart finds what was acknowledged. The caller disposes it.
    /// </summary>
    public static async Task<RedisServer> StartOwnAsync(string name, AppendFsync? appendFsync = null)
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(
            $"redis-server is not installed (not on PATH); install it (.ci/prepare does) or set {ConfigurationVariable} for the tests that need no server of their own.");
        var directory = System.IO.Directory.CreateTempSubdirectory($"baton-redis-{name}-").FullName;
        var port = FreePort();
        var server = new RedisServer($"127.0.0.1:{port},abortConnect=false,connectTimeout=2000,syncTimeout=2000,asyncTimeout=2000", port, directory, binary, appendFsync);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.KillAndDelete();
        await server.StartAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>A new multiplexer on the server; the caller disposes it.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync(Action<ConfigurationOptions>? configure = null)
    {
        var options = ConfigurationOptions.Parse(Configuration);
        options.AbortOnConnectFail = false;
        configure?.Invoke(options);
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }

    /// <summary>Starts (or restarts) the throwaway server on its port and directory, and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        EnsureThrowaway();
        var start = new ProcessStartInfo(_binary!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory!,
        };
        string[] arguments =
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", _directory!,
            "--save", "",
            "--daemonize", "no",
            "--logfile", Path.Combine(_directory!, "redis.log"),
            "--appendonly", _appendFsync is null ? "no" : "yes",
            .. _appendFsync is { } fsync ? (string[])["--appendfsync", fsync == AppendFsync.Always ? "always" : "everysec"] : [],
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException($"The redis-server on port {Port} is already running.");
            }

            _process?.Dispose();
            _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        await WaitForPingAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the throwaway server as an operator would (SIGTERM: it flushes its append-only file) and waits for the process to end.</summary>
    public Task StopAsync() => EndAsync(kill: false);

    /// <summary>Kills the throwaway server (SIGKILL, a crash: what its fsync policy had not written is lost) and waits for the process to end.</summary>
    public Task KillAsync() => EndAsync(kill: true);

    /// <summary>Stops the server, then starts it again on the same port and directory.</summary>
    public async Task RestartAsync(bool kill = false)
    {
        await EndAsync(kill).ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        KillAndDelete();
        return ValueTask.CompletedTask;
    }

    private async Task EndAsync(bool kill)
    {
        EnsureThrowaway();
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is null || process.HasExited)
        {
            return;
        }

        if (kill)
        {
            process.Kill();
        }
        else
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync().ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
    }

    private void KillAndDelete()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                if (_process is { HasExited: false })
                {
                    _process.Kill();
                    _process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Never started or already gone.
            }

            _process?.Dispose();
        }

        if (_directory is not null)
        {
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private async Task WaitForPingAsync()
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            lock (_gate)
            {
                if (_process is { HasExited: true } exited)
                {
                    var log = Path.Combine(_directory!, "redis.log");
                    throw new InvalidOperationException(
                        $"redis-server on port {Port} exited with {exited.ExitCode}: {(File.Exists(log) ? File.ReadAllText(log) : "no log")}");
                }
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray()).ConfigureAwait(false);
                var buffer = new byte[64];
                var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }

                last = new InvalidOperationException($"redis-server answered {Encoding.ASCII.GetString(buffer, 0, read).Trim()}");
            }
            catch (SocketException e)
            {
                last = e;
            }
            catch (IOException e)
            {
                last = e;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within 20 s.", last);
    }

    private void EnsureThrowaway()
    {
        if (!IsThrowaway)
        {
            throw new InvalidOperationException($"The server from {ConfigurationVariable} is not started or stopped by the tests.");
        }
    }

    private static async Task<RedisServer> StartSharedAsync()
    {
        if (Configured is { } configured)
        {
            var endpoint = ConfigurationOptions.Parse(configured).EndPoints.FirstOrDefault();
            return new RedisServer(configured, endpoint is IPEndPoint ip ? ip.Port : endpoint is DnsEndPoint dns ? dns.Port : 0, null, null, null);
        }

        return await StartOwnAsync("shared").ConfigureAwait(false);
    }

    private static string? FindBinary()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
