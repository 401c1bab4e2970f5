namespace TcpShadow.Tests.EndToEnd;

/// <summary>Where the scripts and the built binaries are, found from the test assembly's location.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    /// <summary>The configuration this test assembly was built in (bin/&lt;Configuration&gt;/net10.0/).</summary>
    public static string Configuration =>
        Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar))) ?? "Release";

    /// <summary>
    /// Command line prefix for a built entry point: TSH_&lt;ENVNAME&gt; may name a published
    /// executable or a dll; otherwise the dll built next to the tests, run with dotnet.
    /// </summary>
    public static string[] Command(string envName, string projectDir, string assemblyName)
    {
        var overridePath = Environment.GetEnvironmentVariable(envName);
        var path = string.IsNullOrEmpty(overridePath)
            ? Path.Combine(Root, projectDir, "bin", Configuration, "net10.0", assemblyName + ".dll")
            : Path.GetFullPath(overridePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path} not found: build the solution (dotnet build Appliance.sln -c {Configuration}) or set {envName}", path);
        }

        return path.EndsWith(".dll", StringComparison.Ordinal) ? [DotNetHost, path] : [path];
    }

    public static string[] TcpShadow => Command("TSH_TCPSHADOW", "src/DataPlane", "tcpshadow");

    public static string[] Intercept => Command("TSH_INTERCEPT", "src/Intercept", "tcpshadow-intercept");

    public static string[] LoadGen => Command("TSH_LOADGEN", "tests/TcpShadow.LoadGen", "TcpShadow.LoadGen");

    /// <summary>The dotnet host running us (the SDK sets DOTNET_HOST_PATH for test hosts).</summary>
    public static string DotNetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Appliance.sln above {AppContext.BaseDirectory}");
    }
}
