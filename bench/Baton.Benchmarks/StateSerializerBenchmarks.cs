using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Baton.Core;
using Baton.Core.Audit;
using Baton.Core.Ledgers;
using Baton.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace Baton.Benchmarks;

/// <summary>
/// A user's stored grain state (<see cref="UserSessionState"/>) written and read the way grain
/// storage does today — System.Text.Json through Orleans' <see cref="SystemTextJsonGrainStorageSerializer"/>
/// and the state's <see cref="UserSessionStateJsonConverter"/> — against Orleans' own binary
/// serializer (<see cref="Serializer{T}"/>), which reaches the src/ types through the surrogates
/// of <c>StateSurrogates.cs</c>. The <c>bytes</c> column is the size of the stored form.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BytesConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class StateSerializerBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly SystemTextJsonGrainStorageSerializer _json = StorageJson();
    private readonly Serializer<UserSessionState> _orleans = OrleansSerializer();
    private UserSessionState _state = null!;
    private BinaryData _jsonBytes = null!;
    private byte[] _orleansBytes = [];

    /// <summary>Sessions in the ledger.</summary>
    [Params(1, 3, 10)]
    public int Sessions { get; set; }

    /// <summary>Events in the outbox (a refresh writes one; a login that evicts, two).</summary>
    [Params(0, 2)]
    public int Outbox { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = State(Sessions, Outbox);
        _jsonBytes = _json.Serialize(_state);
        _orleansBytes = _orleans.SerializeToArray(_state);

        // Both forms must carry the whole state: each read back writes the same JSON.
        var fromJson = _json.Serialize(JsonDeserialize()).ToArray();
        var fromOrleans = _json.Serialize(OrleansDeserialize()).ToArray();
        if (!fromJson.AsSpan().SequenceEqual(_jsonBytes.ToArray()) || !fromOrleans.AsSpan().SequenceEqual(_jsonBytes.ToArray()))
        {
            throw new InvalidOperationException("A serializer lost part of the state.");
        }
    }

    [Benchmark(Baseline = true, Description = "System.Text.Json (grain storage serializer)")]
    [BenchmarkCategory("serialize")]
    public BinaryData JsonSerialize() => _json.Serialize(_state);

    [Benchmark(Description = "Orleans serializer (surrogates)")]
    [BenchmarkCategory("serialize")]
    public byte[] OrleansSerialize() => _orleans.SerializeToArray(_state);

    [Benchmark(Baseline = true, Description = "System.Text.Json (grain storage serializer)")]
    [BenchmarkCategory("deserialize")]
    public UserSessionState JsonDeserialize() => _json.Deserialize<UserSessionState>(_jsonBytes) ?? throw new InvalidOperationException("No state.");

    [Benchmark(Description = "Orleans serializer (surrogates)")]
    [BenchmarkCategory("deserialize")]
    public UserSessionState OrleansDeserialize() => _orleans.Deserialize(_orleansBytes) ?? throw new InvalidOperationException("No state.");

    /// <summary>
    /// A state as a busy user's grain writes it: <paramref name="sessions"/> sessions from logins on
    /// different devices, each refreshed once (so the previous <c>jti</c> and rotation time are set),
    /// and <paramref name="outbox"/> events built as the grain builds them.
    /// </summary>
    internal static UserSessionState State(int sessions, int outbox)
    {
        var policy = new SessionPolicy { MaxSessionsPerUser = sessions };
        var client = new ClientInfo("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36");
        var userId = RandomIds.New();
        var ledger = Ledger.Empty(userId);
        var version = 0L;
        ImmutableArray<LedgerEvent> events = [];
        for (var i = 0; i < sessions; i++)
        {
            var start = new StartSession(RandomIds.New(), new Device(RandomIds.New(), i % 2 == 0 ? "web" : "mobile", $"Device {i}"), RandomIds.New(), client)
            {
                Roles = ["user"],
                Username = "alice.example",
            };
            ledger = start.Apply(ledger, Now.AddMinutes(i), policy).Ledger with { Version = ++version };
        }

        foreach (var session in ledger.Sessions)
        {
            var change = new RefreshSession(session.Id, session.CurrentJti, RandomIds.New(), client).Apply(ledger, Now.AddHours(1), policy);
            ledger = change.Ledger with { Version = ++version };
            events = [.. events, .. change.Events];
        }

        var logged = ImmutableArray.CreateBuilder<LoggedEvent>(outbox);
        for (var i = 0; i < outbox; i++)
        {
            var e = events[i % events.Length];
            logged.Add(new LoggedEvent(
                $"{userId}:{version}:{i}",
                $"usersession/{userId}",
                LoggedEvent.SequenceOf(version, i),
                new AuditEntry(userId, e.Kind, e.SessionId, e.Generation, e.Reason, client.IpAddress, client.UserAgent, "S10.0.0.12:11111:123456789", Now.AddHours(1))));
        }

        return new UserSessionState(ledger, logged.MoveToImmutable());
    }

    private static SystemTextJsonGrainStorageSerializer StorageJson() => new(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));

    private static Serializer<UserSessionState> OrleansSerializer() =>
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer<UserSessionState>>();

    /// <summary>The size of each benchmark's stored form, computed in the host process from the same state.</summary>
    private sealed class BytesConfig : ManualConfig
    {
        public BytesConfig() => AddColumn(new BytesColumn());
    }

    private sealed class BytesColumn : IColumn
    {
        public string Id => nameof(BytesColumn);

        public string ColumnName => "Bytes";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Size;

        public string Legend => "Bytes of the stored form";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var state = State((int)benchmarkCase.Parameters[nameof(Sessions)], (int)benchmarkCase.Parameters[nameof(Outbox)]);
            var orleans = benchmarkCase.Descriptor.WorkloadMethod.Name.StartsWith("Orleans", StringComparison.Ordinal);
            var bytes = orleans ? OrleansSerializer().SerializeToArray(state).Length : StorageJson().Serialize(state).ToMemory().Length;
            return bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
