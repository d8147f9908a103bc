using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;

namespace Nexus.Agents.Tests;

/// <summary>The OpenAI-compatible surface of the agents service itself.</summary>
public sealed class ChatCompletionsTests
{
    [Fact]
    public async Task OpenAISdk_NonStreaming_AnswersAsTheAgent()
    {
        var model = new ScriptedChatClient().ThenText("Hi Ada.");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["greeter"] = Specs.Agent("greeter") });
        var chat = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(host.Service.BaseAddress, "v1") }).GetChatClient("agent:greeter");

        var completion = await chat.CompleteChatAsync([new UserChatMessage("Hello")], new ChatCompletionOptions { EndUserId = "ada" });

        completion.Value.Content[0].Text.ShouldBe("Hi Ada.");
    }

    [Fact]
    public async Task ConversationHeader_ContinuesTheStoredSession()
    {
        var model = new ScriptedChatClient().ThenText("Noted: blue.").Then((messages, _) =>
            ScriptedChatClient.Text(messages.Any(m => m.Text == "My colour is blue.") && messages.Any(m => m.Text == "Noted: blue.") ? "It is blue." : "I do not know."));
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["memo"] = Specs.Agent("memo") });

        var first = await host.Http.PostAsJsonAsync("v1/chat/completions", new { model = "agent:memo", user = "ada", messages = new[] { new { role = "user", content = "My colour is blue." } } });
        var conversation = first.Headers.GetValues("X-Nexus-Conversation").Single();
        using var second = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "agent:memo", user = "ada", messages = new[] { new { role = "user", content = "My colour is blue." }, new { role = "assistant", content = "Noted: blue." }, new { role = "user", content = "What is my colour?" } } }),
        };
        second.Headers.Add("X-Nexus-Conversation", conversation);
        var answer = await (await host.Http.SendAsync(second)).Content.ReadFromJsonAsync<JsonObject>();

        answer!["choices"]![0]!["message"]!["content"]!.GetValue<string>().ShouldBe("It is blue.");
        model.Calls[1].Messages.Count(m => m.Text == "My colour is blue.").ShouldBe(1);
    }

    [Theory]
    [InlineData("{\"model\":\"agent:nobody\",\"user\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", HttpStatusCode.NotFound)]
    [InlineData("{\"model\":\"agent:greeter\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", HttpStatusCode.BadRequest)]
    [InlineData("{\"model\":\"agent:greeter\",\"user\":\"a\",\"messages\":[]}", HttpStatusCode.BadRequest)]
    [InlineData("{\"model\":\"agent:greeter\",\"user\":\"a\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", HttpStatusCode.BadRequest)]
    [InlineData("not json", HttpStatusCode.BadRequest)]
    [InlineData("[1,2]", HttpStatusCode.BadRequest)]
    public async Task BadRequests_AreClearErrorsInOpenAIsEnvelope(string body, HttpStatusCode expected)
    {
        var model = new ScriptedChatClient();
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["greeter"] = Specs.Agent("greeter") });

        var response = await host.Http.PostAsync("v1/chat/completions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(expected);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        model.Calls.ShouldBeEmpty();
    }
}
