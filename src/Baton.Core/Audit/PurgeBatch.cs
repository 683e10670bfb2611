namespace Baton.Core.Audit;

/// <summary>What one batch of a retention purge did.</summary>
/// <param name="Deleted">Rows it deleted.</param>
/// <param name="Next">The position the next batch starts after: the last one this batch looked at.</param>
public readonly record struct PurgeBatch(int Deleted, long Next);
