using Nexus.Gateway.Security;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>A descriptor's paths stay on the instance's base URL.</summary>
public sealed class RelativeEndpointTests
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/v1/items/{id}")]
    [InlineData("/health?ready=1")]
    [InlineData("/a/b:c")]
    [InlineData("/")]
    public void Problem_PlainPath_IsNone_AndResolvesUnderTheBasePath(string path)
    {
        RelativeEndpoint.Problem(path).ShouldBeNull();
        var url = RelativeEndpoint.Resolve(new Uri("http://svc:8000/base"), path);
        url.Authority.ShouldBe("svc:8000");
        url.AbsolutePath.ShouldStartWith("/base/");
    }

    [Theory]
    [InlineData("health")]
    [InlineData("")]
    [InlineData("//evil/x")]
    [InlineData("/http://127.0.0.1:18604/x")]
    [InlineData("/HTTP:x")]
    [InlineData("/%68ttp%3A%2F%2Fevil/x")]
    [InlineData("/..")]
    [InlineData("/a/./b")]
    [InlineData("/a/%2E%2e/b")]
    [InlineData("/a%2fb")]
    [InlineData("/a\\b")]
    [InlineData("/a b")]
    [InlineData("/a#b")]
    public void Problem_PathThatCouldLeaveTheBaseUrl_IsRefused(string path)
    {
        RelativeEndpoint.Problem(path).ShouldNotBeNull();
    }
}
