using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Services.Inference.Embeddings;

/// <summary>OpenAI's <c>/v1/embeddings</c> answered by the local model.</summary>
internal sealed class LocalEmbeddings(LocalEmbeddingModel model, IOptions<InferenceOptions> options)
{
    /// <summary>Whether a request naming <paramref name="requested"/> is the local model's to answer.</summary>
    public bool Serves(string? requested) => model.Enabled && string.Equals(requested, LocalEmbeddingModel.Id, StringComparison.OrdinalIgnoreCase);

    public async Task EmbedAsync(HttpContext context, byte[] body)
    {
        if (EmbeddingInputs.Read(body, options.Value.LocalEmbeddings.MaxInputs, out var input) is { } invalid)
        {
            await invalid.ExecuteAsync(context);
            return;
        }

        if (!model.Ready)
        {
            await OpenAIErrors.ServiceUnavailable(model.NotReadyReason!, "model_not_ready").ExecuteAsync(context);
            return;
        }

        var texts = input!.Texts.Select(LocalEmbeddingModel.Normalize).ToArray();
        var tokens = texts.Select(model.CountTokens).ToArray();
        float[][] vectors;
        try
        {
            vectors = await model.EmbedAsync(texts, tokens, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // The client left; nobody reads an answer.
        }

        context.Response.ContentType = "application/json";
        using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            Write(json, vectors, input.Base64, tokens.Sum());
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>OpenAI's response: a list of embeddings by index, the model, and usage (embeddings generate no tokens, so total = prompt).</summary>
    private static void Write(Utf8JsonWriter json, float[][] vectors, bool base64, int promptTokens)
    {
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        for (var i = 0; i < vectors.Length; i++)
        {
            json.WriteStartObject();
            json.WriteString("object", "embedding");
            json.WriteNumber("index", i);
            if (base64)
            {
                json.WriteBase64String("embedding", LittleEndian(vectors[i]));
            }
            else
            {
                json.WriteStartArray("embedding");
                foreach (var value in vectors[i]) json.WriteNumberValue(value);
                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("model", LocalEmbeddingModel.Id);
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", promptTokens);
        json.WriteNumber("total_tokens", promptTokens);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>OpenAI's base64 encoding: the float32 values' bytes, little-endian, whatever this machine's order.</summary>
    private static byte[] LittleEndian(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return bytes;
    }
}
