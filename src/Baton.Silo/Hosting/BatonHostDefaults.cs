using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace Baton.Silo.Hosting;

/// <summary>
/// What holds when no configuration file is found: a published Baton started from another
/// directory must behave as the one started by <c>dotnet run</c>, not fall back to ASP.NET
/// Core's per-request Information logs.
/// </summary>
public static partial class BatonHostDefaults
{
    /// <summary>Lowest-precedence settings: every file, variable and argument overrides them.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Warning",
        // A silo describes its whole configuration at Information on every start.
        ["Logging:LogLevel:Orleans"] = "Warning",
        // Orleans' placement runs through a Polly pipeline that logs every attempt at Information.
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    /// <summary>
    /// The builder options: the content root is the application's own folder (where
    /// <c>appsettings.json</c> is published beside the program), unless <c>--contentRoot</c> or
    /// <c>DOTNET_CONTENTROOT</c>/<c>ASPNETCORE_CONTENTROOT</c> names one.
    /// </summary>
    public static WebApplicationOptions Options(string[] args)
    {
        var named = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[WebHostDefaults.ContentRootKey];
        return new WebApplicationOptions { Args = args, ContentRootPath = string.IsNullOrEmpty(named) ? AppContext.BaseDirectory : null };
    }

    /// <summary>Puts <see cref="Settings"/> under every other configuration source.</summary>
    public static WebApplicationBuilder AddBatonDefaults(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Settings });
        return builder;
    }

    /// <summary>Every configuration file the host looked for, and whether it was there.</summary>
    public static IEnumerable<(string Path, bool Loaded)> ConfigurationFiles(IConfigurationRoot configuration) =>
        configuration.Providers
            .OfType<Microsoft.Extensions.Configuration.FileConfigurationProvider>()
            .Select(p => p.Source)
            .Where(s => s.Path is not null)
            .Select(s => (Resolve(s.FileProvider, s.Path!), s.FileProvider?.GetFileInfo(s.Path!).Exists == true));

    private static string Resolve(IFileProvider? files, string path) =>
        files is PhysicalFileProvider physical ? Path.Combine(physical.Root, path) : path;

    /// <summary>Says at start-up where the content root is and which configuration files were found, so a missing one is not silent.</summary>
    public static WebApplication LogConfigurationFiles(this WebApplication app, string category)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
        foreach (var (path, loaded) in ConfigurationFiles((IConfigurationRoot)app.Configuration))
        {
            ConfigurationFile(logger, app.Environment.ContentRootPath, path, loaded ? "loaded" : "not found");
        }

        return app;
    }

    [LoggerMessage(305, LogLevel.Information, "Content root {ContentRoot}; configuration file {Path}: {State}")]
    private static partial void ConfigurationFile(ILogger logger, string contentRoot, string path, string state);
}
