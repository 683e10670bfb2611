using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Baton.Silo;

/// <summary>
/// The Redis cluster (DESIGN.md §2, §7). Section <c>Baton:Cluster</c>. Setting <see cref="Redis"/>
/// turns a node into a cluster node: silos keep membership and grain state in that Redis, and API
/// fronts find the silos through it.
/// </summary>
public sealed class BatonClusterOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Baton:Cluster";

    /// <summary>
    /// The StackExchange.Redis configuration string (<c>host:port</c>, <c>password=</c>,
    /// <c>ssl=true</c>, <c>serviceName=</c> for Sentinel, several endpoints for a Redis Cluster).
    /// Unset: no cluster (the embedded default).
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>
    /// The Orleans cluster id: silos and fronts with the same one form one cluster. Grain state is
    /// keyed by the service id only (<see cref="BatonSiloExtensions.ServiceId"/>), so a new cluster id
    /// (a blue/green switch) sees the same sessions. Default <c>baton</c>.
    /// </summary>
    public string ClusterId { get; set; } = "baton";

    /// <summary>An API front that also hosts a silo (one process per node) instead of being a client of separate silos. Default false.</summary>
    public bool CoHostSilo { get; set; }

    /// <summary>
    /// How long any grain call may take before its caller gives up with a timeout (503 at the API).
    /// Orleans' default is 30 s; a caller held that long by a partitioned silo is worse than a fast
    /// 503 (SECURITY.md 36), and a busy node (password hashing saturates its cores) still answers
    /// well within this. Default 5 s.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a front waits for a session call's answer before it repeats the call (once; every
    /// session call is idempotent). A call that was inside a silo when it was killed is never
    /// answered: its user waits this long, then the repeat reaches the grain's new activation. A
    /// slow answer to the first call is not lost either: the repeat queues behind it on the same
    /// grain and gets the same outcome, with the whole <see cref="ResponseTimeout"/> to come. A killed
    /// silo is declared dead within about a second here, so a repeat after 1 s usually finds the
    /// grain placeable again. Default 1 s.
    /// </summary>
    public TimeSpan RepeatAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an API front waits before it first repeats an idempotent call that failed because its
    /// silo was lost (DESIGN.md §8); each further repeat waits twice as long, up to 1 s, until
    /// <see cref="ResponseTimeout"/> has passed since the first attempt, then the request answers 503
    /// with <c>Retry-After</c>. The grain can be placed again once the membership has declared its
    /// silo dead: short repeats find the new activation soon after that. Default 200 ms.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How quickly a dead silo is declared dead.</summary>
    public MembershipTuning Membership { get; set; } = new();

    /// <summary>Whether a cluster is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>Binds the section from <paramref name="configuration"/> and validates it; throws at start-up on a bad value.</summary>
    public static BatonClusterOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var options = new BatonClusterOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(SectionName), options);
        var result = new BatonClusterOptionsValidator().Validate(null, options);
        return result.Failed ? throw new OptionsValidationException(SectionName, typeof(BatonClusterOptions), result.Failures) : options;
    }

    /// <summary>
    /// The parsed <see cref="Redis"/>: it keeps reconnecting rather than fail when Redis is down at
    /// start, and while it is disconnected a command fails at once instead of waiting in the
    /// client's backlog for the connection (StackExchange.Redis' default): a login or refresh then
    /// answers 503 straight away (SECURITY.md 32, 36) rather than after seconds of waiting.
    /// </summary>
    internal ConfigurationOptions RedisConfiguration()
    {
        var configuration = ConfigurationOptions.Parse(Redis!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        return configuration;
    }
}

/// <summary>
/// Orleans' failure detector (<c>ClusterMembershipOptions</c>), tuned so a SIGKILLed silo is
/// declared dead in about 2 s on a LAN instead of Orleans' 10-15 s (ORLEANS-NOTES.md): until it is,
/// calls to its users' grains fail and those users get 503. Section <c>Baton:Cluster:Membership</c>.
/// Lower values declare a silo dead sooner, and also declare a live one dead during a long GC pause
/// or a CPU-starved moment; it then restarts itself, and its users' grains move.
/// </summary>
public sealed class MembershipTuning
{
    /// <summary>How long a probe waits for an answer. Default 1 s (Orleans: 5 s).</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes before a silo suspects another. Default 2 (Orleans: 3).</summary>
    public int NumMissedProbesLimit { get; set; } = 2;

    /// <summary>Suspicions needed to declare a silo dead. Default 2 (Orleans: 2); 1 only for a two-silo cluster.</summary>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How often each silo re-reads the membership table from Redis. Default 2 s (Orleans: 60 s).</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long after a silo is declared dead its grains stay unplaceable (the strongly consistent
    /// directory's lease, Orleans' <c>GrainDirectoryOptions.RangeLeaseDuration</c> less its failure
    /// detection window). The lease gives a silo that was declared dead while still running (a
    /// partition, a long pause) time to learn it and stop, so its users' grains are never active
    /// twice; calls to them wait meanwhile. Orleans' default leaves 22 s with these probe settings:
    /// every user of a crashed silo would wait that long. Baton needs less, because a second
    /// activation cannot write (every write is checked against the stored ETag, DESIGN.md I8), so a
    /// lease would guard only reads of a zombie's memory, and for less time than a zombie takes to
    /// learn of its death (it reads the table every <see cref="TableRefreshTimeout"/>). Measured
    /// here, a 1 s lease held a killed silo's users for 1.8-2.3 s (p50) where none held them for
    /// 1.1-1.6 s. Default 0: no lease.
    /// </summary>
    public TimeSpan DeadSiloLease { get; set; } = TimeSpan.Zero;
}

/// <summary>Refuses a cluster configuration that cannot work, at start-up.</summary>
public sealed class BatonClusterOptionsValidator : IValidateOptions<BatonClusterOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BatonClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Enabled)
        {
            try
            {
                if (ConfigurationOptions.Parse(options.Redis!).EndPoints.Count == 0)
                {
                    failures.Add($"{BatonClusterOptions.SectionName}:Redis names no Redis endpoint (host:port).");
                }
            }
            catch (ArgumentException e)
            {
                failures.Add($"{BatonClusterOptions.SectionName}:Redis is not a Redis configuration string: {e.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || options.ClusterId.Contains('/', StringComparison.Ordinal))
        {
            failures.Add($"{BatonClusterOptions.SectionName}:ClusterId must be a non-empty name without '/'.");
        }

        if (options.ResponseTimeout < TimeSpan.FromMilliseconds(100) || options.ResponseTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{BatonClusterOptions.SectionName}:ResponseTimeout must be between 100 ms and 5 minutes.");
        }

        if (options.RepeatAfter < TimeSpan.FromMilliseconds(100) || options.RepeatAfter > options.ResponseTimeout)
        {
            failures.Add($"{BatonClusterOptions.SectionName}:RepeatAfter must be at least 100 ms and at most ResponseTimeout.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{BatonClusterOptions.SectionName}:RetryDelay must be between 0 and 30 s.");
        }

        var membership = options.Membership;
        var section = $"{BatonClusterOptions.SectionName}:Membership";
        if (membership.ProbeTimeout < TimeSpan.FromMilliseconds(100) || membership.ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{section}:ProbeTimeout must be between 100 ms and 1 minute.");
        }

        if (membership.NumMissedProbesLimit is < 1 or > 10)
        {
            failures.Add($"{section}:NumMissedProbesLimit must be between 1 and 10.");
        }

        if (membership.NumVotesForDeathDeclaration is < 1 or > 10)
        {
            failures.Add($"{section}:NumVotesForDeathDeclaration must be between 1 and 10.");
        }

        if (membership.TableRefreshTimeout < TimeSpan.FromMilliseconds(500) || membership.TableRefreshTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{section}:TableRefreshTimeout must be between 500 ms and 5 minutes.");
        }

        if (membership.DeadSiloLease < TimeSpan.Zero || membership.DeadSiloLease > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{section}:DeadSiloLease must be between 0 and 5 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
