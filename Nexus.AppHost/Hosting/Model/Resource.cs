namespace Nexus.AppHost.Hosting;

/// <summary>A named part of the system: a project, an infrastructure service, a parameter or a value.</summary>
public abstract class Resource
{
    protected Resource(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            throw new ArgumentException($"Resource name '{name}' must be lower-case letters, digits and dashes.", nameof(name));
        Name = name;
    }

    public string Name { get; }

    /// <summary>Environment variables given to the resource, in the order they were declared.</summary>
    internal List<KeyValuePair<string, ReferenceExpression>> Environment { get; } = [];

    /// <summary>Resources that must be running and healthy before this one starts (<c>WaitFor</c>).</summary>
    internal List<Resource> WaitsFor { get; } = [];

    /// <summary>Resources this one reads values from; they start first, without health gating.</summary>
    internal List<Resource> References { get; } = [];

    internal List<EndpointAnnotation> Endpoints { get; } = [];

    public override string ToString() => Name;
}

/// <summary>A resource that other resources can connect to through <c>ConnectionStrings__{name}</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    ReferenceExpression ConnectionStringExpression { get; }
}

/// <summary>A resource whose values come from another resource (a database inside a server).</summary>
internal interface IResourceWithParent
{
    Resource Parent { get; }
}
