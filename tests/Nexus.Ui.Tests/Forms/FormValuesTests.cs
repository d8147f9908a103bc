using System.Text.Json.Nodes;
using Nexus.Contract;
using Nexus.Ui.Forms;

namespace Nexus.Ui.Tests.Forms;

public sealed class FormValuesTests
{
    private const string Schema = """
        {"type":"object","properties":{
          "prompt":{"type":["string","null"]},
          "n":{"type":["string","integer","null"],"pattern":"^-?(?:0|[1-9]\\d*)$"},
          "speed":{"type":"number","minimum":0.25,"maximum":4},
          "size":{"type":"string","maxLength":9},
          "tags":{"type":"array","items":{"type":"string"}},
          "extra":{"type":"object","properties":{"seed":{"type":"integer"}}}},
         "required":["size"]}
        """;

    private static (FormNode Form, JsonObject Schema) Form()
    {
        var schema = JsonNode.Parse(Schema)!.AsObject();
        return (FormBuilder.Build(new FunctionDescriptor { Name = "f", Method = "POST", Path = "/f", InputSchema = schema }), schema);
    }

    private static FormNode Field(FormNode form, string name) => form.Children.Single(c => c.Name == name);

    [Fact]
    public void Read_FilledForm_IsTheJsonTheFunctionTakes()
    {
        var (form, schema) = Form();
        Field(form, "prompt").Text = "a fox";
        Field(form, "n").Text = "2";
        Field(form, "speed").Text = "1.5";
        Field(form, "size").Text = "512x512";
        Field(form, "tags").AddItem();
        Field(form, "tags").Children[0].Text = "red";

        var (value, errors) = FormValues.Read(form, schema);

        errors.ShouldBeEmpty();
        value.ToJsonString().ShouldBe("""{"prompt":"a fox","n":2,"speed":1.5,"size":"512x512","tags":["red"]}""");
    }

    [Fact]
    public void Read_NotANumber_IsAnErrorAtThatField()
    {
        var (form, schema) = Form();
        Field(form, "n").Text = "two";
        Field(form, "size").Text = "512x512";

        var (_, errors) = FormValues.Read(form, schema);

        errors.Keys.ShouldBe(["$.n"]);
        errors["$.n"].ShouldBe(["Must be a whole number."]);
    }

    [Fact]
    public void Read_OutOfBounds_SaysTheBound()
    {
        var (form, schema) = Form();
        Field(form, "speed").Text = "9";
        Field(form, "size").Text = "1x1";

        FormValues.Read(form, schema).Errors["$.speed"].ShouldBe(["Must be at most 4."]);
    }

    [Fact]
    public void Read_SchemaViolation_IsReportedAtItsFieldInTheValidatorsWords()
    {
        var (form, schema) = Form();
        Field(form, "size").Text = "1024x1024x";

        var (_, errors) = FormValues.Read(form, schema);

        errors.Keys.ShouldBe(["$.size"]);
        errors["$.size"].Single().ShouldContain("9");
    }

    [Fact]
    public void Read_InvalidItemInANestedObject_LandsAtTheNestedField()
    {
        var (form, schema) = Form();
        Field(form, "size").Text = "8x8";
        var extra = Field(form, "extra");
        extra.Included = true;
        extra.Children[0].Text = "1.5";

        FormValues.Read(form, schema).Errors.Keys.ShouldBe(["$.extra.seed"]);
    }
}
