using Baton.Grains;

namespace Baton.Api.Diagnostics;

/// <summary>The meters <c>/metrics</c> exports: the one list to change when a component's meter comes or goes.</summary>
internal static class ExportedMeters
{
    /// <summary>ASP.NET Core's request metrics (<c>http.server.request.duration</c>).</summary>
    public const string AspNetCoreHosting = "Microsoft.AspNetCore.Hosting";

    /// <summary>Orleans' own instruments (grain calls, messaging, membership) once Baton runs on a silo.</summary>
    public const string Orleans = "Microsoft.Orleans";

    /// <summary>.NET's own: process CPU time and memory, GC and thread pool.</summary>
    public const string Runtime = "System.Runtime";

    public static IReadOnlyList<string> Names { get; } =
    [
        ServerMetrics.MeterName,
        SessionMetrics.MeterName,
        Baton.Core.Tokens.TokenService.MeterName,
        AspNetCoreHosting,
        Orleans,
        Runtime,
    ];
}
