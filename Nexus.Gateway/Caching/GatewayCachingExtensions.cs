using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Caching;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wires the response cache: in Redis when the limits use it (<c>ConnectionStrings:redis</c>), else in this process.</summary>
public static class GatewayCachingExtensions
{
    /// <summary>The response cache's store and bounds. Call after <c>AddGatewayLimits</c>, whose Redis connection it shares.</summary>
    public static IHostApplicationBuilder AddGatewayCaching(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<CachingOptions>().BindConfiguration(CachingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<CacheMetrics>();
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(GatewayLimitsExtensions.RedisConnectionName)))
        {
            builder.Services.TryAddSingleton<IResponseCache>(sp => new MemoryResponseCache(sp.GetRequiredService<IOptions<CachingOptions>>(), sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            AddRedis(builder);
        }

        return builder;
    }

    // Compiled only when Redis is configured, so a gateway without it never loads the Redis client.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedis(IHostApplicationBuilder builder) =>
        builder.Services.TryAddSingleton<IResponseCache>(sp => new RedisResponseCache(
            sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisResponseCache>>()));
}
