namespace Nexus.Services.Image.Tests;

public sealed class ImageOptionsValidatorTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"nexus-workflow-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void Validate_Defaults_Succeeds() =>
        new ImageOptionsValidator().Validate(null, new ImageOptions()).Succeeded.ShouldBeTrue();

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOne()
    {
        var result = new ImageOptionsValidator().Validate(null, new ImageOptions { ComfyUIUrl = "localhost:8188", PollInterval = TimeSpan.Zero, CfgScale = -1 });

        result.Failures!.Count().ShouldBe(3);
        result.FailureMessage!.ShouldContain("Image:ComfyUIUrl");
    }

    [Theory]
    [InlineData("""{"4":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"{{model}}"}}}""", "must use the placeholder {{prompt}}")]
    [InlineData("""{"6":{"class_type":"CLIPTextEncode","inputs":{"text":"{{prompt}} {{style}}","model":"{{model}}"}}}""", "unknown placeholder {{style}}")]
    [InlineData("""{"last_node_id":9,"nodes":[]}""", "not an API-format workflow")]
    [InlineData("""{"6":""", "is not JSON")]
    public void Validate_UnusableWorkflowFile_SaysWhy(string workflow, string expected)
    {
        File.WriteAllText(_file, workflow);

        var result = new ImageOptionsValidator().Validate(null, new ImageOptions { ComfyUIWorkflowFile = _file });

        result.FailureMessage!.ShouldContain(expected);
    }

    [Fact]
    public void Validate_MissingWorkflowFile_SaysItCannotBeRead() =>
        new ImageOptionsValidator().Validate(null, new ImageOptions { ComfyUIWorkflowFile = _file }).FailureMessage!.ShouldContain("cannot be read");
}
