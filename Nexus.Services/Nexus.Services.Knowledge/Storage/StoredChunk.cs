namespace Nexus.Services.Knowledge.Storage;

/// <summary>A chunk as a scan of its collection reads it.</summary>
internal sealed record StoredChunk(string DocumentId, int Position, string Text, int Start, int Length, int? Page, string? Source, byte[] Embedding);

/// <summary>A collection exists with another embedding model or vector size than the one asked for: 409.</summary>
internal sealed class CollectionConflictException(string message) : Exception(message);
