using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Contract;
using Nexus.Testing;

namespace Nexus.ServiceDefaults.Tests.Contract;

/// <summary>The hash as docs/service-contract.md defines it, checked against the test vector printed there.</summary>
public sealed class DescriptorHashTests
{
    [Fact]
    public void Compute_ContractTestVector_GivesTheDocumentedCanonicalFormAndHash()
    {
        var (input, canonical, hash) = TestVector();

        Encoding.UTF8.GetString(DescriptorHash.CanonicalInput(JsonNode.Parse(input)!.AsObject())).ShouldBe(canonical);
        DescriptorHash.Compute(JsonNode.Parse(input)!.AsObject()).ShouldBe(hash);
    }

    [Fact]
    public void Compute_TypedDescriptorReadFromTheVector_AgreesWithTheJson()
    {
        // What the registry does: read the descriptor a service sent into the contract types, then hash it.
        var (input, _, hash) = TestVector();

        var descriptor = JsonNode.Parse(input).Deserialize<NexusServiceDescriptor>(NexusJson.Options)!;

        DescriptorHash.Compute(descriptor).ShouldBe(hash);
        Metadata.DescriptorProvider.Hash(descriptor).ShouldBe(hash);
    }

    [Theory]
    [InlineData("instanceId", "\"echo-2\"")]
    [InlineData("baseUrls", "[\"http://node-b:5000\"]")]
    [InlineData("description", "\"Something else.\"")]
    public void Compute_InstanceAndPresentationMembers_DoNotChangeTheHash(string member, string value)
    {
        var (input, _, hash) = TestVector();
        var descriptor = JsonNode.Parse(input)!.AsObject();

        descriptor[member] = JsonNode.Parse(value);

        DescriptorHash.Compute(descriptor).ShouldBe(hash);
    }

    [Theory]
    [InlineData("version", "\"1.0.1\"")]
    [InlineData("labels", "{\"tier\":\"premium\",\"host\":\"node-a\"}")]
    [InlineData("models", "[{\"id\":\"m\",\"ownedBy\":\"nexus\",\"inputModalities\":[\"text\"],\"outputModalities\":[\"text\"],\"labels\":{},\"ready\":true}]")]
    public void Compute_RoutedMembers_ChangeTheHash(string member, string value)
    {
        var (input, _, hash) = TestVector();
        var descriptor = JsonNode.Parse(input)!.AsObject();

        descriptor[member] = JsonNode.Parse(value);

        DescriptorHash.Compute(descriptor).ShouldNotBe(hash);
    }

    /// <summary>The three fenced blocks of the contract's test vector, found by their info strings.</summary>
    private static (string Input, string Canonical, string Hash) TestVector()
    {
        var lines = File.ReadAllLines(Path.Combine(TestEnvironment.RepositoryRoot(), "docs", "service-contract.md"));
        string Block(string info)
        {
            var start = Array.FindIndex(lines, l => l.Trim().EndsWith(" " + info, StringComparison.Ordinal) && l.TrimStart().StartsWith("```", StringComparison.Ordinal));
            start.ShouldBeGreaterThanOrEqualTo(0, $"docs/service-contract.md has a ```... {info} block");
            var end = Array.FindIndex(lines, start + 1, l => l.TrimStart().StartsWith("```", StringComparison.Ordinal));
            return string.Join('\n', lines[(start + 1)..end]);
        }

        return (Block("descriptor-hash-input"), Block("descriptor-hash-canonical"), Block("descriptor-hash"));
    }
}
