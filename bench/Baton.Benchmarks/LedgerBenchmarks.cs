using BenchmarkDotNet.Attributes;
using Baton.Core;
using Baton.Core.Ledgers;

namespace Baton.Benchmarks;

/// <summary>The pure ledger transitions: what the engine spends per command besides I/O.</summary>
[MemoryDiagnoser]
public class LedgerBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly SessionPolicy _policy = new() { MaxSessionsPerUser = 3 };
    private Ledger _ledger = null!;
    private RefreshSession _refresh = null!;
    private StartSession _login = null!;
    private byte[] _document = [];

    [GlobalSetup]
    public void Setup()
    {
        _ledger = Ledger.Empty("user");
        for (var i = 0; i < 3; i++)
        {
            _ledger = new StartSession(RandomIds.New(), new Device($"d{i}", "web", "Browser"), RandomIds.New(), ClientInfo.None)
                .Apply(_ledger, Now, _policy).Ledger with { Version = i + 1 };
        }

        var session = _ledger.Sessions[^1];
        _refresh = new RefreshSession(session.Id, session.CurrentJti, RandomIds.New(), ClientInfo.None);
        _login = new StartSession(RandomIds.New(), new Device("new", "web", "Browser"), RandomIds.New(), ClientInfo.None);
        _document = LedgerSerializer.Serialize(_ledger);
    }

    [Benchmark(Description = "ledger refresh transition (3 sessions)")]
    public LedgerChange<RefreshOutcome> Refresh() => _refresh.Apply(_ledger, Now.AddMinutes(1), _policy);

    [Benchmark(Description = "ledger login transition at limit (evicts)")]
    public LedgerChange<StartSessionOutcome> Login() => _login.Apply(_ledger, Now.AddMinutes(1), _policy);

    [Benchmark(Description = "ledger check (access token validation)")]
    public SessionCheck Check() => _ledger.Check(_ledger.Sessions[^1].Id, Now.AddMinutes(1));

    [Benchmark(Description = "ledger serialize (3 sessions)")]
    public byte[] Serialize() => LedgerSerializer.Serialize(_ledger);

    [Benchmark(Description = "ledger deserialize (3 sessions)")]
    public Ledger Deserialize() => LedgerSerializer.Deserialize("user", 3, _document);
}
