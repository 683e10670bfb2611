using System.Diagnostics.CodeAnalysis;
using Baton.Core.Ledgers;

namespace Baton.Core.Engine;

/// <summary>The engine's answer: a committed outcome, or why there is none.</summary>
/// <typeparam name="TOutcome">The command's outcome type.</typeparam>
public sealed class EngineResult<TOutcome>
{
    private EngineResult(TOutcome? outcome, Ledger? ledger, EngineFailure? failure)
    {
        Outcome = outcome;
        Ledger = ledger;
        Failure = failure;
    }

    /// <summary>The command's outcome, durable in the store.</summary>
    public TOutcome? Outcome { get; }

    /// <summary>The ledger the outcome was decided on (and written, when it changed).</summary>
    public Ledger? Ledger { get; }

    /// <summary>Null on success.</summary>
    public EngineFailure? Failure { get; }

    /// <summary>True when <see cref="Outcome"/> is committed.</summary>
    [MemberNotNullWhen(true, nameof(Outcome), nameof(Ledger))]
    public bool Succeeded => Failure is null;

    internal static EngineResult<TOutcome> Success(TOutcome outcome, Ledger ledger) => new(outcome, ledger, null);

    internal static EngineResult<TOutcome> Failed(EngineFailure failure) => new(default, null, failure);
}

/// <summary>Why the engine has no outcome. Both answer 503 with Retry-After: fail closed (I7).</summary>
public enum EngineFailure
{
    /// <summary>The store could not be reached.</summary>
    StoreUnavailable,
    /// <summary>Every attempt lost a compare-and-swap race to another writer.</summary>
    TooManyConflicts,
}
