using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Baton.Testing.Cluster;

/// <summary>
/// One process of a <see cref="LocalCluster"/>: a silo or an API front, started with
/// <c>dotnet &lt;dll&gt;</c> on fixed loopback ports that stay the same across restarts, so a
/// restarted silo rejoins where it was and a front's clients need no new address. Failures are
/// exceptions that carry the end of the node's output; nothing here depends on a test framework.
/// </summary>
public sealed class BatonNode : IAsyncDisposable
{
    private const int OutputLinesKept = 2000;
    private readonly string _dll;
    private readonly string _workingDirectory;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Queue<string> _output = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private StreamWriter? _log;
    private bool _disposed;

    internal BatonNode(string name, NodeRole role, string dll, string workingDirectory, int httpPort, int? siloPort, int? gatewayPort, IReadOnlyDictionary<string, string> environment, string? logDirectory)
    {
        if (logDirectory is not null)
        {
            Directory.CreateDirectory(logDirectory);
            _log = new StreamWriter(Path.Combine(logDirectory, name.Replace('/', '-') + ".log"), append: true) { AutoFlush = true };
        }

        Name = name;
        Role = role;
        _dll = dll;
        _workingDirectory = workingDirectory;
        _environment = environment;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Address = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}");
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(15) };
    }

    /// <summary>A name for messages: <c>silo-1</c>, <c>front-2</c>, with the cluster's name.</summary>
    public string Name { get; }

    public NodeRole Role { get; }

    /// <summary>The HTTP port: the API of a front, /health and /metrics of a silo.</summary>
    public int HttpPort { get; }

    /// <summary>The silo-to-silo port of a silo; null for a front.</summary>
    public int? SiloPort { get; }

    /// <summary>The gateway port of a silo (where fronts connect); null for a front.</summary>
    public int? GatewayPort { get; }

    public Uri Address { get; }

    /// <summary>A client on <see cref="Address"/>, kept across restarts.</summary>
    public HttpClient Http { get; }

    /// <summary>The process id while the process runs, else null.</summary>
    public int? Pid
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } running ? running.Id : null;
            }
        }
    }

    public bool IsRunning => Pid is not null;

    /// <summary>The last lines the process printed, over all its starts, with a line per start, stop and kill.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of <see cref="Output"/>, headed by the node's name, for a failure message.</summary>
    public string OutputTail(int lines = 40)
    {
        lock (_output)
        {
            return $"--- {Name} (last {Math.Min(lines, _output.Count)} lines) ---{Environment.NewLine}{string.Join(Environment.NewLine, _output.Skip(Math.Max(0, _output.Count - lines)))}";
        }
    }

    /// <summary>Starts the process (it must not be running) and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync(TimeSpan? readyPatience = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("dotnet", [_dll])
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The test host's environment must not pick a development configuration or content root.
        foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT", "ASPNETCORE_URLS", "DOTNET_URLS" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException($"{Name} is already running (pid {_process.Id}).");
            }

            _process?.Dispose();
            var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Name}.");
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            Append($"=== {Now} {Name} started, pid {process.Id}");
        }

        await WaitUntilReadyAsync(readyPatience, cancellationToken);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200; throws with the output's tail if the process exits or the patience (default 60 s) runs out.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? patience = null, CancellationToken cancellationToken = default)
    {
        var limit = patience ?? TimeSpan.FromSeconds(60);
        var waited = Stopwatch.StartNew();
        var last = "no answer";
        while (true)
        {
            if (!IsRunning)
            {
                throw new InvalidOperationException($"{Name} exited before it was ready.{Environment.NewLine}{OutputTail()}");
            }

            var status = await ReadyStatusAsync(cancellationToken);
            if (status == HttpStatusCode.OK)
            {
                return;
            }

            last = status is null ? "no answer" : ((int)status).ToString(CultureInfo.InvariantCulture);
            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"{Name} was not ready within {limit.TotalSeconds:0} s (last /health/ready: {last}).{Environment.NewLine}{OutputTail()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>What <c>/health/ready</c> answers now, or null when nothing answers.</summary>
    public async Task<HttpStatusCode?> ReadyStatusAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var ready = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative), timeout.Token);
            return ready.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, whatever the process was doing. Returns once it is gone.</summary>
    public async Task KillAsync()
    {
        var process = Running();
        if (process is null)
        {
            return;
        }

        Append($"=== {Now} {Name} killed (SIGKILL), pid {process.Id}");
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended by itself meanwhile.
        }

        await process.WaitForExitAsync();
    }

    /// <summary>
    /// SIGTERM, as an orchestrator stops a node, and waits until the process ends (a silo leaves the
    /// membership and deactivates its grains first). Returns how long that took; if it takes longer
    /// than <paramref name="patience"/> (default 40 s) the process is killed and this throws.
    /// </summary>
    public async Task<TimeSpan> StopAsync(TimeSpan? patience = null)
    {
        var process = Running();
        if (process is null)
        {
            return TimeSpan.Zero;
        }

        var limit = patience ?? TimeSpan.FromSeconds(40);
        Append($"=== {Now} {Name} stopping (SIGTERM), pid {process.Id}");
        var stopping = Stopwatch.StartNew();
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"{Name} did not stop within {limit.TotalSeconds:0} s of SIGTERM; killed.{Environment.NewLine}{OutputTail()}");
        }

        Append($"=== {Now} {Name} stopped after {stopping.Elapsed.TotalMilliseconds:0} ms, exit code {process.ExitCode}");
        return stopping.Elapsed;
    }

    /// <summary>Stops (SIGTERM) or kills the process, then starts it again on the same ports and waits until it is ready.</summary>
    public async Task RestartAsync(bool kill = false, TimeSpan? readyPatience = null, CancellationToken cancellationToken = default)
    {
        if (kill)
        {
            await KillAsync();
        }
        else
        {
            await StopAsync();
        }

        await StartAsync(readyPatience, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await KillAsync();
        lock (_gate)
        {
            _process?.Dispose();
            _process = null;
        }

        Http.Dispose();
        lock (_output)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    /// <summary>For a test host that ends without disposing: no node outlives it.</summary>
    internal void KillNow()
    {
        try
        {
            Running()?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string Now => DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private Process? Running()
    {
        lock (_gate)
        {
            return _process is { HasExited: false } running ? running : null;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _log?.WriteLine(line);
            _output.Enqueue(line);
            while (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }
}
