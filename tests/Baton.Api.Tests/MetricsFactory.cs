using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace Baton.Api.Tests;

/// <summary>Baton whose <c>/metrics</c> answers every scrape afresh, so scrapes a moment apart see what happened between them.</summary>
public sealed class MetricsFactory : BatonFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.Configure<PrometheusAspNetCoreOptions>(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
    }
}
