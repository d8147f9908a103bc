using Microsoft.Extensions.AI;
using Nexus.Contract;

namespace Nexus.Agents.Tools;

/// <summary>A tool of the bus with what the policy engine reads about it.</summary>
/// <param name="Name">The bus name, <c>service.function</c>.</param>
/// <param name="Annotations">The descriptor's effect hints; null when the service declares none.</param>
/// <param name="Function">The callable function, named for the model.</param>
public sealed record BusTool(string Name, FunctionAnnotations? Annotations, AIFunction Function);
