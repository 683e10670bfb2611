using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Baton.AspNetCore;

/// <summary>One call to protect an ASP.NET Core API with Baton.</summary>
public static class BatonAuthenticationExtensions
{
    /// <summary>
    /// Validates Baton access tokens locally (keys from discovery and the JWKS; <c>typ</c> at+jwt only,
    /// so refresh tokens never pass) and, when <see cref="BatonAuthenticationOptions.ApiKey"/> is set,
    /// follows the revocation feed so a logged-out or kicked session is refused without a call per request.
    /// </summary>
    public static AuthenticationBuilder AddBatonAuthentication(this AuthenticationBuilder builder, string authority, Action<BatonAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<BatonAuthenticationOptions>().Configure(o =>
        {
            o.Authority = authority;
            configure?.Invoke(o);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RevokedSessions>();
        services.AddHostedService<RevocationFollower>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<BatonAuthenticationOptions>, RevokedSessions>((jwt, baton, revoked) =>
        {
            var settings = baton.Value;
            jwt.Authority = settings.Authority;
            jwt.Audience = settings.Audience;
            jwt.RequireHttpsMetadata = settings.Authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters.ValidTypes = ["at+jwt"];
            jwt.TokenValidationParameters.NameClaimType = "sub";
            jwt.TokenValidationParameters.RoleClaimType = "roles";
            if (settings.BackchannelHandler is { } handler)
            {
                jwt.BackchannelHttpHandler = handler;
            }

            jwt.Events ??= new JwtBearerEvents();
            var following = !string.IsNullOrEmpty(settings.ApiKey);
            jwt.Events.OnTokenValidated = context =>
            {
                if (!following)
                {
                    return Task.CompletedTask;
                }

                if (!revoked.IsCurrent && settings.WhenFeedUnavailable == RevocationFeedFailure.Closed)
                {
                    context.Fail("The Baton revocation feed is unavailable.");
                }
                else if (context.Principal?.FindFirst("sid")?.Value is { } sid && revoked.IsRevoked(sid))
                {
                    context.Fail("The session has ended.");
                }

                return Task.CompletedTask;
            };
        });
        return builder.AddJwtBearer();
    }
}
