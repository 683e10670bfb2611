using Baton.Silo.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Baton.Silo;

/// <summary>A silo of the Redis cluster (DESIGN.md §2): hosts the grains; serves only /health and /metrics over HTTP.</summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(BatonHostDefaults.Options(args));
        builder.AddBatonDefaults();
        builder.AddBatonClusterSiloHost();
        var app = builder.Build();
        app.LogConfigurationFiles(SiloHost.LogCategory);
        app.MapSiloOperations();
        app.Run();
    }
}
