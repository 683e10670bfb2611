using System.Globalization;

namespace Baton.LoadTest;

/// <summary>
/// CPU time used by the processes of a run, read from Linux's /proc, grouped as Baton nodes,
/// PostgreSQL and this client: on a machine where all three share the cores, CPU per operation
/// says who the throughput is spent on. Empty where /proc is not there.
/// </summary>
internal static class CpuMeter
{
    /// <summary>/proc/[pid]/stat counts in USER_HZ, which Linux fixes at 100 per second for user space.</summary>
    private const double TicksPerSecond = 100;

    public const string Baton = "baton";
    public const string Postgres = "postgres";
    public const string Client = "client";
    public const string BareEndpoint = "bare-endpoint";

    /// <summary>CPU seconds used so far by each group's live processes.</summary>
    public static Dictionary<string, double> Snapshot()
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!Directory.Exists("/proc"))
        {
            return totals;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || Group(pid) is not { } group || Ticks(pid) is not { } ticks)
            {
                continue;
            }

            totals[group] = totals.GetValueOrDefault(group) + ticks / TicksPerSecond;
        }

        return totals;
    }

    /// <summary>Microseconds of CPU per operation in each group between two snapshots.</summary>
    public static Dictionary<string, double> PerOperation(Dictionary<string, double> before, Dictionary<string, double> after, long operations) =>
        operations == 0 ? [] : after.ToDictionary(g => Key(g.Key), g => Math.Max(0, g.Value - before.GetValueOrDefault(g.Key)) * 1e6 / operations);

    /// <summary>The name of a group's figure in a scenario's extra values (and its JSON).</summary>
    public static string Key(string group) => "cpu_us_per_op_" + group.Replace('-', '_');

    private static string? Group(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return Client;
        }

        var command = Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ');
        if (command is null)
        {
            return null;
        }

        return command.Contains("Baton.Api", StringComparison.Ordinal) ? Baton
            : command.Contains(Baselines.ServeBareCommand, StringComparison.Ordinal) ? BareEndpoint
            : command.StartsWith("postgres", StringComparison.Ordinal) || command.Contains("/postgres ", StringComparison.Ordinal) ? Postgres
            : null;
    }

    /// <summary>utime + stime: fields 14 and 15, counted after the command name, which may hold spaces.</summary>
    private static long? Ticks(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        var end = stat?.LastIndexOf(')') ?? -1;
        if (end < 0)
        {
            return null;
        }

        var fields = stat![(end + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null; // the process ended
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
