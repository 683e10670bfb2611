using System.Diagnostics.CodeAnalysis;

namespace Baton.Api.Sessions;

/// <summary>
/// The answer of a grain call as the endpoints see it: the grain's outcome, or "unavailable"
/// (the grain could not store or load its state, or could not be reached) for a 503.
/// </summary>
/// <typeparam name="T">The grain's outcome.</typeparam>
internal readonly struct GrainResult<T>
{
    private GrainResult(T outcome)
    {
        Outcome = outcome;
        Succeeded = true;
    }

    /// <summary>The grain answered; <see cref="Outcome"/> is its answer.</summary>
    [MemberNotNullWhen(true, nameof(Outcome))]
    public bool Succeeded { get; }

    public T? Outcome { get; }

    public static GrainResult<T> Success(T outcome) => new(outcome);

    public static GrainResult<T> Unavailable => default;
}
