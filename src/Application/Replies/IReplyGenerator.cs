namespace CleanAgent.Application.Replies;

/// <summary>Writes an agent's answer: an LLM behind Microsoft.Extensions.AI, or the offline responder.</summary>
public interface IReplyGenerator
{
    /// <summary>Returns the answer text. Throws <see cref="ReplyGenerationException"/> when the model could not answer now (retried later).</summary>
    Task<string> GenerateAsync(ReplyRequest request, CancellationToken cancellationToken);
}

/// <param name="AgentPrompt">The agent's own instructions.</param>
/// <param name="LlmModel">The agent's model, overriding <c>Ai:Model</c>; null for the default.</param>
/// <param name="FallbackReply">What to say when nothing better can be said; null for a built-in line.</param>
/// <param name="Knowledge">The knowledge chunks that best match the customer's latest messages, best first.</param>
/// <param name="History">Earlier turns of the conversation, oldest first.</param>
/// <param name="CustomerName">The customer's WhatsApp profile name, when known.</param>
/// <param name="CustomerMessages">The unanswered customer messages this reply answers, oldest first, already rendered as text (e.g. "[image: caption]").</param>
public sealed record ReplyRequest(
    string AgentPrompt,
    string? LlmModel,
    string? FallbackReply,
    IReadOnlyList<KnowledgeMatch> Knowledge,
    IReadOnlyList<ChatTurn> History,
    IReadOnlyList<string> CustomerMessages,
    string? CustomerName)
{
    /// <summary>Voice notes among <see cref="CustomerMessages"/> with no transcript: the agent cannot hear them and must say so.</summary>
    public int UnheardVoiceNotes { get; init; }

    /// <summary>Photos and stickers among <see cref="CustomerMessages"/>, for an agent whose model takes images (<c>acceptsImages</c>).</summary>
    public IReadOnlyList<ReplyImage> Images { get; init; } = [];
}

/// <summary>An image the customer sent, as the model receives it.</summary>
public sealed record ReplyImage(ReadOnlyMemory<byte> Bytes, string MediaType);

public sealed record ChatTurn(bool FromCustomer, string Text);

public sealed class ReplyGenerationException(string message, Exception? inner = null) : Exception(message, inner);
