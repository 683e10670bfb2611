namespace Baton.Testing.Postgres;

/// <summary>
/// A test that needs PostgreSQL. It is skipped, with the reason, only where PostgreSQL is not
/// installed and not configured, and never when <c>CI</c> is set: there it runs and fails if the
/// server cannot start.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresServer.IsAvailable && Environment.GetEnvironmentVariable("CI") is not { Length: > 0 })
        {
            Skip = $"PostgreSQL is not installed here; install it (initdb, pg_ctl) or set {PostgresServer.ConnectionVariable}. With CI set this test fails instead.";
        }
    }
}
