using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Nexus.Services.Inference.Ollama;

/// <summary>An open <c>/api/pull</c> stream; disposing it closes the connection, which makes Ollama stop the download.</summary>
internal sealed class OllamaPull(HttpResponseMessage response) : IAsyncDisposable
{
    /// <summary>The progress lines as Ollama writes them (newline-delimited JSON).</summary>
    public async IAsyncEnumerable<OllamaPullProgress> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            OllamaPullProgress? progress;
            try
            {
                progress = JsonSerializer.Deserialize<OllamaPullProgress>(line);
            }
            catch (JsonException ex)
            {
                throw new OllamaException($"Ollama sent a progress line that is not JSON: {ex.Message}");
            }

            if (progress is not null) yield return progress;
        }
    }

    public ValueTask DisposeAsync()
    {
        response.Dispose();
        return ValueTask.CompletedTask;
    }
}
