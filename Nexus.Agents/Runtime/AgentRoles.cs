namespace Nexus.Agents.Runtime;

/// <summary>Who an agent object is in a run; the function middleware checks it at every invocation.</summary>
public enum AgentRole
{
    Primary,
    SubAgent,
    Adversary,
    Supplicant,
}
