namespace Baton.Testing.Redis;

/// <summary>The <c>appendfsync</c> policy of a throwaway server with the append-only file on (DESIGN.md §7).</summary>
public enum AppendFsync
{
    /// <summary>fsync after every write: an acknowledged write survives a crash.</summary>
    Always,

    /// <summary>fsync once a second (the compose default): a crash can lose the last second.</summary>
    EverySec,
}
