using System.Text;
using Nexus.Gateway.Security;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>The registration body's JSON check, on its own: each refusal names where it is.</summary>
public sealed class StrictJsonTests
{
    [Theory]
    [InlineData("""{"a":1,"b":[1,{"c":true}]}""")]
    [InlineData("""{"a":"\ud83d\ude00","b":"é"}""")]
    [InlineData("""[[[1]]]""")]
    public void Check_SoundJson_FindsNothing(string json)
    {
        StrictJson.Check(Encoding.UTF8.GetBytes(json), maxLevels: 3).ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"a":{"b":1,"b":2}}""", "$.a.b", "twice")]
    [InlineData("""{"a":[{"x":1},{"y":"\ud800"}]}""", "$.a[1].y", "Unicode")]
    [InlineData("""{"\udc00":1}""", "$", "Unicode")]
    [InlineData("""[[[[1]]]]""", "$[0][0][0]", "3 levels")]
    [InlineData("""{"a":[1,2,{"b":{"c":{}}}]}""", "$.a[2].b", "3 levels")]
    [InlineData("""{"a":1""", "$.a", "not valid JSON")]
    [InlineData("""{"a":1} x""", "$", "not valid JSON")]
    [InlineData("", "$", "not valid JSON")]
    public void Check_UnsoundJson_SaysWhatAndWhere(string json, string path, string what)
    {
        var problem = StrictJson.Check(Encoding.UTF8.GetBytes(json), maxLevels: 3);

        problem.ShouldNotBeNull();
        problem.Path.ShouldBe(path);
        problem.Message.ShouldContain(what);
    }

    [Fact]
    public void Check_InvalidUtf8_IsRefusedBeforeParsing()
    {
        StrictJson.Check("{\"a\":\""u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).Concat("\"}"u8.ToArray()).ToArray(), 3)!.Message.ShouldContain("UTF-8");
    }
}
