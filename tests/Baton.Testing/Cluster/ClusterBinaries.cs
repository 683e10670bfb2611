namespace Baton.Testing.Cluster;

/// <summary>Finds the built <c>Baton.Silo.dll</c> and <c>Baton.Api.dll</c> a <see cref="LocalCluster"/> runs.</summary>
public static class ClusterBinaries
{
    public const string SiloDll = "Baton.Silo.dll";
    public const string ApiDll = "Baton.Api.dll";

    /// <summary>
    /// The directory holding both programs with their runtime configuration: this process's own
    /// directory when its project references both (the test projects do), otherwise the build
    /// output of <c>src/Baton.Api</c> (which carries the silo too) in the same configuration as
    /// this process, found from the repository root above it.
    /// </summary>
    public static string Find()
    {
        var own = AppContext.BaseDirectory;
        if (HasBoth(own))
        {
            return own;
        }

        var configuration = own.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var directory = new DirectoryInfo(own); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Baton.slnx")))
            {
                var built = Path.Combine(directory.FullName, "src", "Baton.Api", "bin", configuration, "net10.0");
                if (HasBoth(built))
                {
                    return built;
                }

                throw new InvalidOperationException($"{SiloDll} and {ApiDll} are not built in {built}: run dotnet build -c {configuration} src/Baton.Api.");
            }
        }

        throw new InvalidOperationException($"{SiloDll} and {ApiDll} are neither beside {own} nor in a Baton repository above it.");
    }

    private static bool HasBoth(string directory) =>
        new[] { SiloDll, ApiDll }.All(dll =>
            File.Exists(Path.Combine(directory, dll)) && File.Exists(Path.Combine(directory, Path.ChangeExtension(dll, ".runtimeconfig.json"))));
}
