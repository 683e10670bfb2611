using System.Text.Json;
using Baton.Core.Audit;
using Baton.Core.Storage;
using Baton.Core.Ledgers;
using Baton.Core.Tokens;
using Baton.Core.Users;
using Baton.Api.Accounts;
using Baton.Api.Auth;
using Baton.Api.Endpoints;
using Baton.Api.External;
using Baton.Api.Options;
using Baton.Api.Problems;
using Baton.Api.Sessions;
using Baton.Grains;
using Baton.Silo;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Baton.Api.Hosting;

/// <summary>Wires Baton into an ASP.NET Core host.</summary>
internal static class BatonServerExtensions
{
    public static WebApplicationBuilder AddBaton(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.TryAddSingleton(TimeProvider.System);
        // Bound by the grains (AddBatonGrains, or the cluster client); validated here too, at start-up, like every other section.
        services.AddOptions<SessionPolicy>().ValidateOnStart();
        BatonGrainsSiloBuilderExtensions.AddPolicyValidators(services);
        AddValidatedOptions<TokenOptions, TokenOptionsValidator>(services, TokenOptions.SectionName);
        AddValidatedOptions<AccountOptions, AccountOptionsValidator>(services, AccountOptions.SectionName);
        // Bound by the grains too (the account grains decide lockouts); validated here.
        services.AddOptions<LockoutPolicy>().ValidateOnStart();
        AddValidatedOptions<CookieTransportOptions, CookieOptionsValidator>(services, CookieTransportOptions.SectionName);
        AddValidatedOptions<ApiKeyOptions, ApiKeyOptionsValidator>(services, ApiKeyOptions.SectionName);
        AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(services, RateLimitOptions.SectionName);
        AddValidatedOptions<HttpLimitOptions, HttpOptionsValidator>(services, HttpLimitOptions.SectionName);
        AddValidatedOptions<RetentionOptions, RetentionOptionsValidator>(services, RetentionOptions.SectionName);
        AddValidatedOptions<ExternalOptions, ExternalOptionsValidator>(services, ExternalOptions.SectionName);
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.SectionName);
        AddValidatedOptions<BatonClusterOptions, BatonClusterOptionsValidator>(services, BatonClusterOptions.SectionName);
        var cluster = BatonClusterOptions.From(configuration);
        if (cluster.Enabled)
        {
            builder.AddClusterFront(cluster);
        }
        else
        {
            builder.AddEmbeddedSilo();
        }

        services.AddSingleton(sp =>
        {
            var tokens = sp.GetRequiredService<IOptions<TokenOptions>>().Value;
            var protector = tokens.MasterKey is { Length: > 0 } master ? new KeyProtector(Convert.FromBase64String(master)) : KeyProtector.None;
            return new SigningKeys(sp.GetRequiredService<ISigningKeyStore>(), tokens, sp.GetRequiredService<TimeProvider>(), protector);
        });
        services.AddSingleton<SessionService>();
        services.AddSingleton<RevocationWatcher>();
        services.AddSingleton<RevokedSessions>();
        services.AddHostedService<RevocationFollower>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<PasswordCheckLimiter>();
        services.AddSingleton<PasswordWork>();
        services.AddSingleton<RefreshCookies>();
        services.AddSingleton<ExternalProviders>();
        services.AddSingleton<ExternalProviderClient>();
        services.AddSingleton<ExternalFlowCookie>();
        services.AddSingleton<ExternalSignIns>();
        services.AddHttpClient(ExternalProviderClient.HttpClientName, (sp, client) =>
        {
            client.Timeout = sp.GetRequiredService<IOptions<ExternalOptions>>().Value.HttpTimeout;
            client.MaxResponseContentBufferSize = 1 << 20;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Baton");
        }).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<UserAccount>, Microsoft.AspNetCore.Identity.PasswordHasher<UserAccount>>();
        services.AddOptions<Microsoft.AspNetCore.Identity.PasswordHasherOptions>().Configure<IOptions<AccountOptions>>((hasher, accounts) =>
        {
            hasher.CompatibilityMode = Microsoft.AspNetCore.Identity.PasswordHasherCompatibilityMode.IdentityV3;
            hasher.IterationCount = accounts.Value.PasswordIterations;
        });
        services.AddSingleton<LegacyAccountImport>();
        services.AddHostedService<StartupTasks>();
        services.AddHostedService<KeyRingRefresher>();
        services.AddSingleton<RetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionSweeper>());
        services.AddBatonOperations();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Baton";
            document.Info.Description = "Sessions for horizontally scaled web backends: login, rotating refresh tokens with reuse detection, device limits, kicks.";
            return Task.CompletedTask;
        }));

        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, "Bearer or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(AuthSchemes.ApiKeyHeader) ? AuthSchemes.ApiKey : AuthSchemes.Bearer)
            .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(AuthSchemes.Bearer, null)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthSchemes.UserPolicy, p => p.AddAuthenticationSchemes(AuthSchemes.Bearer).RequireClaim(BatonClaims.SessionId))
            .AddPolicy(AuthSchemes.AdminPolicy, p => p.RequireAssertion(c => c.User.IsInRole(Roles.Admin) || c.User.HasScope(ApiScopes.SessionsAdmin)))
            .AddPolicy(AuthSchemes.IssuePolicy, p => p.AddAuthenticationSchemes(AuthSchemes.ApiKey).RequireClaim(BatonClaims.Scope, ApiScopes.SessionsIssue))
            .AddPolicy(AuthSchemes.IntrospectPolicy, p => p.AddAuthenticationSchemes(AuthSchemes.ApiKey).RequireClaim(BatonClaims.Scope, ApiScopes.TokensIntrospect));

        services.AddBatonRateLimits(configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions());
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Extensions.TryAdd("code", ApiProblem.CodeForStatus(status));
            ApiProblem.AddChallenge(context.HttpContext.Response, context.ProblemDetails.Extensions["code"] as string);
        });
        services.AddExceptionHandler<StoreExceptionHandler>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.MaxDepth = 16;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HttpLimitOptions>>((forwarded, http) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in http.Value.TrustedProxies)
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
                else if (System.Net.IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
            }
        });
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetSection(HttpLimitOptions.SectionName).Get<HttpLimitOptions>()?.MaxRequestBodyBytes ?? new HttpLimitOptions().MaxRequestBodyBytes;
        });
        return builder;
    }

    public static WebApplication MapBaton(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestGuardMiddleware>();
        app.UseBatonConsole();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapAuthApi();
        app.MapMeApi();
        app.MapExternalAuthApi();
        app.MapSessionsApi();
        app.MapAdminApi();
        app.MapKeysApi();
        app.MapStandardsApi();
        app.MapRevocationsApi();
        app.MapOperationsApi();
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }

    private static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
