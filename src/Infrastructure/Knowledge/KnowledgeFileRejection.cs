namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>Why a knowledge file cannot be read; becomes a 400 on the "file" field.</summary>
internal sealed class KnowledgeFileRejection(string message) : Exception(message);
