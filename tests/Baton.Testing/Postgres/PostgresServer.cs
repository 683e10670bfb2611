using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Baton.Testing.Postgres;

/// <summary>
/// A real PostgreSQL for tests. When <c>BATON_TEST_POSTGRES</c> names a server (an Npgsql connection
/// string whose user may create databases), that server is used; otherwise a throwaway server is
/// started from the machine's <c>initdb</c>/<c>pg_ctl</c> on a free loopback port, as the
/// <c>postgres</c> user when the tests run as root (PostgreSQL refuses to run as root), and removed
/// when the test process exits.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string ConnectionVariable = "BATON_TEST_POSTGRES";

    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(() => StartAsync(name: "shared"));
    private readonly string? _dataDirectory;
    private readonly string? _binDirectory;
    private int _databases;

    private PostgresServer(string adminConnectionString, string? dataDirectory, string? binDirectory, int port)
    {
        AdminConnectionString = adminConnectionString;
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        Port = port;
    }

    /// <summary>A connection string to the <c>postgres</c> database with the right to create databases.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The server's port.</summary>
    public int Port { get; }

    /// <summary>True for a server these tests started (and may stop and start again).</summary>
    public bool IsThrowaway => _dataDirectory is not null;

    /// <summary>The server shared by the whole test run.</summary>
    public static Task<PostgresServer> SharedAsync() => SharedServer.Value;

    /// <summary>Whether PostgreSQL can be had at all: a configured server, or binaries on this machine.</summary>
    public static bool IsAvailable => Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } || FindBinDirectory() is not null;

    /// <summary>Starts a server of its own (for tests that stop and start it); the caller disposes it.</summary>
    public static async Task<PostgresServer> StartAsync(string name)
    {
        if (name == "shared" && Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } configured)
        {
            var external = new NpgsqlConnectionStringBuilder(configured);
            return new PostgresServer(configured, null, null, external.Port);
        }

        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            $"PostgreSQL is not installed (no initdb/pg_ctl on PATH or under /usr/lib/postgresql); set {ConnectionVariable} to use a running server.");
        var directory = Path.Combine(Path.GetTempPath(), $"baton-pg-{name}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        Directory.CreateDirectory(directory);
        var port = FreePort();
        await RunAsync(bin, "initdb", ["-D", Path.Combine(directory, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], directory).ConfigureAwait(false);
        var server = new PostgresServer(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Timeout=5;Command Timeout=30",
            directory, bin, port);
        await server.StartAsync().ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAndDelete();
        return server;
    }

    /// <summary>Creates a fresh, empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"baton_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Starts (or restarts) the throwaway server on its port.</summary>
    public async Task StartAsync()
    {
        EnsureThrowaway();
        var data = Path.Combine(_dataDirectory!, "data");
        await RunAsync(_binDirectory!, "pg_ctl",
            ["-D", data, "-l", Path.Combine(_dataDirectory!, "server.log"), "-w", "-t", "30",
             "-o", $"-p {Port} -k {_dataDirectory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c full_page_writes=off", "start"],
            _dataDirectory!).ConfigureAwait(false);
    }

    /// <summary>Stops the throwaway server (fast shutdown: clients are disconnected, as in an outage).</summary>
    public async Task StopAsync()
    {
        EnsureThrowaway();
        await RunAsync(_binDirectory!, "pg_ctl", ["-D", Path.Combine(_dataDirectory!, "data"), "-w", "-m", "fast", "stop"], _dataDirectory!).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        StopAndDelete();
        return ValueTask.CompletedTask;
    }

    private void StopAndDelete()
    {
        if (_dataDirectory is null || !Directory.Exists(_dataDirectory))
        {
            return;
        }

        try
        {
            RunAsync(_binDirectory!, "pg_ctl", ["-D", Path.Combine(_dataDirectory, "data"), "-m", "immediate", "stop"], _dataDirectory).Wait(TimeSpan.FromSeconds(20));
        }
        catch (AggregateException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void EnsureThrowaway()
    {
        if (!IsThrowaway)
        {
            throw new InvalidOperationException($"The server from {ConnectionVariable} is not started or stopped by the tests.");
        }
    }

    private static async Task RunAsync(string bin, string tool, IReadOnlyList<string> arguments, string ownedDirectory)
    {
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : Path.Combine(bin, tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asRoot)
        {
            // PostgreSQL refuses to run as root: the postgres user owns the directory and runs the tools.
            await ChownAsync(ownedDirectory).ConfigureAwait(false);
            foreach (var argument in (string[])["-u", "postgres", "--", Path.Combine(bin, tool)])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error.ConfigureAwait(false)} {await output.ConfigureAwait(false)}");
        }
    }

    private static async Task ChownAsync(string directory)
    {
        using var chown = Process.Start("chown", ["-R", "postgres:postgres", directory]) ?? throw new InvalidOperationException("Could not run chown.");
        await chown.WaitForExitAsync().ConfigureAwait(false);
    }

    private static string? FindBinDirectory()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(directory, "pg_ctl")) && File.Exists(Path.Combine(directory, "initdb")))
            {
                return directory;
            }
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "pg_ctl"))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
