namespace Baton.Core.Storage;

/// <summary>Brings a store's schema up to date at start-up; safe to run from several nodes at once.</summary>
public interface IStoreMigrator
{
    /// <summary>Applies every migration not yet applied.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
}
