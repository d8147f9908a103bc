using System.Text.Json.Nodes;
using Nexus.Contract;
using Nexus.Ui.Forms;

namespace Nexus.Ui.Tests.Forms;

public sealed class FormBuilderTests
{
    private static FunctionDescriptor Function(string schema, UiHints? ui = null, IReadOnlyList<FunctionExample>? examples = null, string contentType = "application/json") => new()
    {
        Name = "f",
        Method = "POST",
        Path = "/v1/f",
        InputSchema = JsonNode.Parse(schema)!.AsObject(),
        RequestContentTypes = [contentType],
        Ui = ui ?? new UiHints(),
        Examples = examples ?? [],
    };

    [Fact]
    public void Build_ExporterSchema_ReadsOptionalNumbersEnumsAndBooleans()
    {
        var form = FormBuilder.Build(Function("""
            {"type":"object","properties":{
              "text":{"type":["string","null"],"description":"Words."},
              "speed":{"type":["string","number","null"],"pattern":"^-?\\d+$","minimum":0.25,"maximum":4},
              "n":{"type":["string","integer"],"pattern":"^-?\\d+$"},
              "format":{"enum":["wav","pcm"]},
              "loud":{"type":"boolean","default":true}},
             "required":["n"]}
            """));

        form.Children.Select(c => (c.Name, c.Kind)).ShouldBe([("text", FieldKind.Text), ("speed", FieldKind.Number), ("n", FieldKind.Integer), ("format", FieldKind.Select), ("loud", FieldKind.Boolean)]);
        form.Children[0].Help.ShouldBe("Words.");
        form.Children[0].Required.ShouldBeFalse();
        form.Children[1].Minimum.ShouldBe(0.25);
        form.Children[1].Maximum.ShouldBe(4);
        form.Children[2].Required.ShouldBeTrue();
        form.Children[3].Options.ShouldBe(["wav", "pcm"]);
        form.Children[3].OptionsAreClosed.ShouldBeTrue();
        form.Children[4].Checked.ShouldBeTrue();
    }

    [Fact]
    public void Build_Hints_OrderWidgetsLabelsAndExampleValues()
    {
        var function = Function(
            """{"type":"object","properties":{"model":{"type":"string"},"input":{"type":"string"},"voice":{"type":"string"}}}""",
            new UiHints
            {
                Order = ["input", "voice"],
                Fields = new Dictionary<string, UiFieldHint>
                {
                    ["input"] = new() { Widget = UiWidgets.Textarea, Label = "Text" },
                    ["voice"] = new() { Widget = UiWidgets.Select, Help = "A voice" },
                    ["model"] = new() { Widget = UiWidgets.Hidden },
                },
            },
            [new FunctionExample { Name = "hello", Input = JsonNode.Parse("""{"model":"tts-1","input":"Hi","voice":"alloy"}""")! }]);

        var form = FormBuilder.Build(function);

        form.Children.Select(c => c.Name).ShouldBe(["input", "voice", "model"]);
        form.Children[0].Kind.ShouldBe(FieldKind.Textarea);
        form.Children[0].Label.ShouldBe("Text");
        form.Children[0].Text.ShouldBe("Hi");
        form.Children[1].Options.ShouldBe(["alloy"]);
        form.Children[1].OptionsAreClosed.ShouldBeFalse();
        form.Children[2].Kind.ShouldBe(FieldKind.Hidden);
        form.Children[2].Text.ShouldBe("tts-1");
    }

    [Fact]
    public void Build_NestedObjectsArraysAndRefs_MakeFieldsWithTheirPaths()
    {
        var form = FormBuilder.Build(Function("""
            {"type":"object","properties":{
              "messages":{"type":"array","items":{"type":"object","properties":{"role":{"enum":["user","assistant"]},"content":{"type":"string"}},"required":["role","content"]}},
              "options":{"type":["object","null"],"properties":{"seed":{"type":"integer"}}},
              "again":{"$ref":"#/properties/options"}}}
            """));

        var messages = form.Children[0];
        messages.Kind.ShouldBe(FieldKind.Array);
        messages.AddItem();
        messages.AddItem();
        messages.Children[1].Children[1].Path.ShouldBe("$.messages[1].content");
        messages.RemoveItem(messages.Children[0]);
        messages.Children[0].Children[1].Path.ShouldBe("$.messages[0].content");
        form.Children[1].Kind.ShouldBe(FieldKind.Object);
        form.Children[2].Kind.ShouldBe(FieldKind.Object);
        form.Children[2].Children[0].Path.ShouldBe("$.again.seed");
    }

    [Fact]
    public void Build_MultipartFileHint_IsAFileFieldAcceptingItsMediaType()
    {
        var form = FormBuilder.Build(Function(
            """{"type":"object","properties":{"file":{"type":"string"},"language":{"type":["string","null"]}},"required":["file"]}""",
            new UiHints { Fields = new Dictionary<string, UiFieldHint> { ["file"] = new() { Widget = UiWidgets.Image } } },
            contentType: "multipart/form-data"));

        form.Children[0].Kind.ShouldBe(FieldKind.File);
        form.Children[0].Accept.ShouldBe("image/*");
    }

    [Theory]
    [InlineData("response_format", "Response format")]
    [InlineData("maxTokens", "Max tokens")]
    [InlineData("x", "X")]
    public void Humanize_PropertyNames_BecomeLabels(string name, string label) => FormBuilder.Humanize(name).ShouldBe(label);
}
