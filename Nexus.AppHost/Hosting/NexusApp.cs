namespace Nexus.AppHost.Hosting;

/// <summary>The entry point of the app model, as Aspire's <c>DistributedApplication</c>.</summary>
public static class NexusApp
{
    public static NexusAppBuilder CreateBuilder(string[] args)
    {
        NexusAppOptions options;
        try
        {
            options = NexusAppOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            // A mistyped option is the user's to fix: say what is wrong, without a stack trace.
            Console.Error.WriteLine(ex.Message);
            Environment.Exit(2);
            throw;
        }

        return new NexusAppBuilder(options, AppHostInfo.FromAssembly());
    }
}

/// <summary>Where the app host project is and how it was built, recorded at build time.</summary>
internal sealed record AppHostInfo(string Directory, string Configuration, string TargetFramework)
{
    public static AppHostInfo FromAssembly()
    {
        var metadata = typeof(NexusApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .ToDictionary(a => a.Key, a => a.Value ?? "", StringComparer.Ordinal);
        return new AppHostInfo(
            metadata.GetValueOrDefault("AppHostProjectDirectory", AppContext.BaseDirectory),
            metadata.GetValueOrDefault("AppHostConfiguration", "Debug"),
            metadata.GetValueOrDefault("AppHostTargetFramework", "net10.0"));
    }
}
