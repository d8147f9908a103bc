namespace Nexus.AppHost.Infrastructure;

/// <summary>How a piece of infrastructure is provided in this run, and why: printed in the start-up summary.</summary>
/// <param name="Name">The resource's name (<c>postgres</c>, <c>redis</c>, <c>etcd</c>).</param>
/// <param name="How">A local binary's path, or <c>embedded</c>.</param>
/// <param name="IsEmbedded">True when nothing runs and consumers use their embedded default.</param>
internal sealed record InfrastructureChoice(string Name, string How, bool IsEmbedded);
