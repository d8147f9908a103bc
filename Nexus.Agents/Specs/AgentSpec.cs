namespace Nexus.Agents.Specs;

/// <summary>An agent as its YAML spec declares it. Property names are the YAML keys in camelCase.</summary>
public sealed class AgentSpec
{
    /// <summary>Lower-case letters, digits and dashes; clients call it as the model <c>agent:&lt;name&gt;</c>.</summary>
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>The system instructions.</summary>
    public string Instructions { get; set; } = "";

    /// <summary>The gateway model every call of this agent uses.</summary>
    public string Model { get; set; } = "";

    public ToolRules Tools { get; set; } = new();

    public Budgets Budgets { get; set; } = new();

    public MemorySettings Memory { get; set; } = new();

    /// <summary>Declared agents this one may spawn as tools (<c>agent.&lt;name&gt;</c>).</summary>
    public List<string> Agents { get; set; } = [];

    public AdversarySettings Adversary { get; set; } = new();

    public SupplicantSettings Supplicant { get; set; } = new();
}

/// <summary>Which tools of the bus the agent may call, and how.</summary>
public sealed class ToolRules
{
    /// <summary>Exact names or globs (<c>speech.*</c>, <c>platform.list_*</c>); nothing else is offered to the model.</summary>
    public List<string> Allow { get; set; } = [];

    /// <summary>Globs refused even when allowed.</summary>
    public List<string> Deny { get; set; } = [];

    /// <summary>Globs whose calls wait for a human's approval.</summary>
    public List<string> Approve { get; set; } = [];

    /// <summary>Argument-scoped grants: calls of the tool whose arguments all match run without approval; nothing wider.</summary>
    public List<ToolGrant> Grants { get; set; } = [];
}

/// <summary>"Always allow <c>tool</c> when <c>arguments</c> match": each named argument must be a string matching its glob.</summary>
public sealed class ToolGrant
{
    public string Tool { get; set; } = "";

    public Dictionary<string, string> Arguments { get; set; } = [];
}

/// <summary>Limits of one run, shared with every sub-agent it spawns.</summary>
public sealed class Budgets
{
    public long Tokens { get; set; } = 100_000;

    public int ToolCalls { get; set; } = 50;

    /// <summary>Wall time of a run in seconds.</summary>
    public int WallTimeSeconds { get; set; } = 300;

    public int SpawnDepth { get; set; } = 2;

    public int SpawnCount { get; set; } = 5;

    /// <summary>Identical tool calls (same tool, same arguments) that stop the run as a loop.</summary>
    public int RepeatedCalls { get; set; } = 3;
}

/// <summary>Long-term memory of the (tenant, user, workspace) scope.</summary>
public sealed class MemorySettings
{
    /// <summary>Whether long-term memories are recalled into the context and the <c>memory.remember</c> tool is offered.</summary>
    public bool LongTerm { get; set; }

    /// <summary>Memories recalled per turn.</summary>
    public int Recall { get; set; } = 3;

    /// <summary>The embedding model, through the gateway's <c>/v1/embeddings</c>.</summary>
    public string EmbeddingModel { get; set; } = "all-minilm-l6-v2";
}

/// <summary>The critic that reviews the primary's result with evidence.</summary>
public sealed class AdversarySettings
{
    public bool Enabled { get; set; }

    /// <summary>Its model; the agent's when empty.</summary>
    public string? Model { get; set; }

    /// <summary>Review rounds at most.</summary>
    public int Rounds { get; set; } = 3;

    /// <summary>Tools the Adversary may run to check the work (globs over the bus, read through the same policy).</summary>
    public List<string> Tools { get; set; } = [];

    public string? Instructions { get; set; }

    /// <summary>Reviews during the run, beside the review of the result: the verdict goes back to the primary before it continues.</summary>
    public AdversaryCheckpoints Checkpoints { get; set; } = new();
}

/// <summary>When the Adversary reviews the primary's work in progress.</summary>
public sealed class AdversaryCheckpoints
{
    /// <summary>Tool names or globs (<c>workspace.build</c>): a review after each call of them that was made.</summary>
    public List<string> After { get; set; } = [];

    /// <summary>A review after every N calls of the primary's tools (0: none).</summary>
    public int EveryToolCalls { get; set; }

    /// <summary>Whether any checkpoint is declared (a method, so it is no YAML key).</summary>
    public bool IsDeclared() => After.Count > 0 || EveryToolCalls > 0;
}

/// <summary>The users' advocate: it may request, inform and question, nothing else.</summary>
public sealed class SupplicantSettings
{
    public bool Enabled { get; set; }

    public string? Model { get; set; }

    public string? Instructions { get; set; }
}
