using Baton.Core.Ledgers;
using Baton.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Baton.Grains;

/// <summary>Registers Baton's grains on a silo: used by the real hosts and by TestingHost configurators alike.</summary>
public static class BatonGrainsSiloBuilderExtensions
{
    /// <summary>
    /// The service key of the clock the grains decide with. Keyed, not the silo's own
    /// <see cref="TimeProvider"/>, so tests can move the grains' time without moving Orleans'
    /// timers and membership probes.
    /// </summary>
    public const string ClockKey = "Baton.Sessions";

    /// <summary>
    /// Registers what the grains need: the session policy (bound from
    /// <see cref="SessionPolicy.SectionName"/>, then <paramref name="configurePolicy"/>), the
    /// lockout policy (bound from <see cref="LockoutPolicy.SectionName"/>) and the silo's counts of
    /// unknown usernames' failed logins,
    /// <paramref name="clock"/> (default <see cref="TimeProvider.System"/>) as the grains' clock, the strongly consistent grain
    /// directory (at most one activation per user, DESIGN.md §1.1), and System.Text.Json as the
    /// grain storage serializer (the state is plain JSON, no .NET type names).
    /// </summary>
    /// <remarks>
    /// The host registers the grain storages named <c>"sessions"</c> (the users' ledgers),
    /// <c>"accounts"</c> (accounts, skeleton reservations, the id index, external identities, one-time sign-in codes) and <c>"keys"</c> (the
    /// signing key ring) — memory in tests, SQLite embedded, Redis in a cluster — and the
    /// <see cref="Core.Audit.IEventLog"/>.
    /// </remarks>
    public static ISiloBuilder AddBatonGrains(this ISiloBuilder builder, Action<SessionPolicy>? configurePolicy = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddPolicyValidators(builder.Services);
        var policy = builder.Services.AddOptions<SessionPolicy>().BindConfiguration(SessionPolicy.SectionName).ValidateOnStart();
        if (configurePolicy is not null)
        {
            policy.Configure(configurePolicy);
        }

        builder.Services.AddOptions<LockoutPolicy>().BindConfiguration(LockoutPolicy.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<UnknownUsernameLockouts>();
        builder.Services.AddKeyedSingleton(ClockKey, clock ?? TimeProvider.System);
#pragma warning disable ORLEANSEXP003 // The strongly consistent directory is experimental in Orleans 10; Baton's one-writer design relies on it.
        builder.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        builder.UseSystemTextJsonGrainStorageSerializer();
        return builder;
    }

    /// <summary>
    /// The validators of the policies the grains decide with, registered once however many
    /// components ask (a front that co-hosts a silo validates them as front and as silo).
    /// </summary>
    public static IServiceCollection AddPolicyValidators(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionPolicy>, SessionPolicyValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LockoutPolicy>, LockoutPolicyValidator>());
        return services;
    }
}
