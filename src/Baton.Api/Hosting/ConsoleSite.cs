using Microsoft.Extensions.FileProviders;

namespace Baton.Api.Hosting;

/// <summary>
/// The account and admin console at <c>/console</c>: static files built from <c>clients/js</c>
/// (committed under <c>src/Baton.Api/Console</c> and copied beside the program), served with a
/// Content-Security-Policy that allows this origin's own scripts, styles and calls and nothing else.
/// </summary>
internal static class ConsoleSite
{
    public const string RequestPath = "/console";

    /// <summary>No inline script or style, no third party, no framing, no plugins, forms and calls to this origin only.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplication UseBatonConsole(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Console");
        if (!Directory.Exists(root))
        {
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = RequestPath });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = RequestPath,
            OnPrepareResponse = context =>
            {
                // Set before the response starts, so RequestGuardMiddleware keeps them (it adds its
                // API policy, default-src 'none', only where none is set).
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.CacheControl = "no-cache";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
            },
        });
        return app;
    }
}
