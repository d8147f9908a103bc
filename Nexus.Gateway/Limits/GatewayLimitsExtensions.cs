using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Limits;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wires the gateway's limits: in this process, or in Redis when <c>ConnectionStrings:redis</c> is set.</summary>
public static class GatewayLimitsExtensions
{
    /// <summary>The Aspire connection name of the shared limits store (the AppHost injects <c>ConnectionStrings__redis</c>).</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>Rate limits and budgets: in this process, or in Redis so every replica shares them.</summary>
    public static IHostApplicationBuilder AddGatewayLimits(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton<MemoryLimitStore>();
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            builder.Services.TryAddSingleton<ILimitStore>(sp => sp.GetRequiredService<MemoryLimitStore>());
        }
        else
        {
            AddRedis(builder);
        }

        builder.Services.TryAddSingleton<RequestLimiter>();
        return builder;
    }

    // Compiled only when Redis is configured, so a gateway without it never loads the Redis client.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRedis(IHostApplicationBuilder builder)
    {
        // Aspire's client: the connection string as StackExchange.Redis reads it (ssl=, password=, user=, ...), one
        // multiplexer, retrying connects rather than failing at start, and the "StackExchange.Redis" readiness check.
        // Its spans only when they are exported, as ServiceDefaults records its own.
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.AddRedisClient(RedisConnectionName, settings => settings.DisableTracing = !exporting);
        builder.Services.AddOptions<ConfigurationOptions>().Configure<IOptions<LimitsOptions>>((redis, limits) =>
        {
            // A frozen Redis must cost a request at most the limits timeout; the library's own 5 s defaults would stall it.
            redis.AsyncTimeout = redis.SyncTimeout = (int)limits.Value.RedisTimeout.TotalMilliseconds;
        });

        builder.Services.TryAddSingleton(sp => new RedisLimitStore(
            sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<IOptions<LimitsOptions>>().Value.RedisTimeout));
        builder.Services.TryAddSingleton(sp => new SlicedLimitStore(
            sp.GetRequiredService<RedisLimitStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<LimitsOptions>>().Value.SliceLease));
        builder.Services.TryAddSingleton<ILimitStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LimitsOptions>>().Value;
            ILimitStore shared = options.LocalSlices ? sp.GetRequiredService<SlicedLimitStore>() : sp.GetRequiredService<RedisLimitStore>();
            return options.FailOpen ? ActivatorUtilities.CreateInstance<FailOpenLimitStore>(sp, shared) : shared;
        });
        // Connect at start, not on the first request, which would otherwise wait out the first connection attempt.
        builder.Services.AddHostedService<LimitStoreConnector>();
    }
}
