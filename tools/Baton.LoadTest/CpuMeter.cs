using System.Collections.Concurrent;
using System.Globalization;

namespace Baton.LoadTest;

/// <summary>
/// CPU time used by the processes of a run, read from Linux's /proc, grouped as Baton (the
/// processes listening on the target URLs' ports), the bare baselines' process and this client:
/// on a machine where they share the cores, CPU per operation says who the throughput is spent on.
/// Processes are tracked by id, not by name, so other programs on a shared machine (a test run of
/// Baton.Api.Tests, another Baton) never count. Empty where /proc is not there.
/// </summary>
internal static class CpuMeter
{
    /// <summary>/proc/[pid]/stat counts in USER_HZ, which Linux fixes at 100 per second for user space.</summary>
    private const double TicksPerSecond = 100;

    public const string Baton = "baton";
    public const string Client = "client";
    public const string BareEndpoint = "bare-endpoint";
    public const string Redis = "redis";

    private static readonly ConcurrentDictionary<int, string> Tracked = new() { [Environment.ProcessId] = Client };

    /// <summary>Counts <paramref name="pid"/>'s CPU in <paramref name="group"/> from now on.</summary>
    public static void Track(int pid, string group) => Tracked[pid] = group;

    /// <summary>Stops counting <paramref name="pid"/> (its process ended).</summary>
    public static void Untrack(int pid) => Tracked.TryRemove(pid, out _);

    /// <summary>
    /// Tracks, in <paramref name="group"/>, every process listening on one of <paramref name="ports"/>
    /// (found through the socket inodes of /proc/net/tcp and /proc/[pid]/fd); returns their ids.
    /// A server in a container or under another user is not found, and its CPU is then not shown.
    /// </summary>
    public static IReadOnlyList<int> TrackServers(IEnumerable<int> ports, string group)
    {
        ports = ports.ToHashSet();
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in (Read(table) ?? "").Split('\n').Skip(1))
            {
                // sl local_address rem_address st ... inode: the local port is hex after the colon, 0A is LISTEN
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A" && ports.Contains(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)))
                {
                    inodes.Add($"socket:[{fields[9]}]");
                }
            }
        }

        var found = new List<int>();
        foreach (var directory in inodes.Count == 0 || !Directory.Exists("/proc") ? [] : Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != Environment.ProcessId && OwnsAny(pid, inodes))
            {
                Track(pid, group);
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>CPU seconds used so far by each tracked process, with its group.</summary>
    public static Dictionary<int, (string Group, double Seconds)> Snapshot()
    {
        var snapshot = new Dictionary<int, (string, double)>();
        foreach (var (pid, group) in Tracked)
        {
            if (Ticks(pid) is { } ticks)
            {
                snapshot[pid] = (group, ticks / TicksPerSecond);
            }
        }

        return snapshot;
    }

    /// <summary>Microseconds of CPU per operation in each group between two snapshots (processes present in both).</summary>
    public static Dictionary<string, double> PerOperation(Dictionary<int, (string Group, double Seconds)> before, Dictionary<int, (string Group, double Seconds)> after, long operations) =>
        operations == 0 ? [] : after
            .Where(p => before.ContainsKey(p.Key))
            .GroupBy(p => p.Value.Group, StringComparer.Ordinal)
            .ToDictionary(g => Key(g.Key), g => g.Sum(p => Math.Max(0, p.Value.Seconds - before[p.Key].Seconds)) * 1e6 / operations);

    /// <summary>The name of a group's figure in a scenario's extra values (and its JSON).</summary>
    public static string Key(string group) => "cpu_us_per_op_" + group.Replace('-', '_');

    private static bool OwnsAny(int pid, HashSet<string> inodes)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // another user's process, or it ended
        }
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
