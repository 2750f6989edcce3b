using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Media;
using CleanAgent.Domain.Conversations;
using FluentValidation;

namespace CleanAgent.Application.Replies.GenerateReply;

/// <summary>
/// What the model may see of a customer's stored files: photos and stickers as images (for agents whose model takes
/// them), and the text of PDF and plain-text documents, read like knowledge files and cut to a token budget.
/// </summary>
internal sealed class CustomerAttachments(IMediaStore media, IKnowledgeFileReader reader)
{
    private static readonly HashSet<string> ImageTypes = new(StringComparer.OrdinalIgnoreCase) { "image/jpeg", "image/png", "image/webp" };
    private static readonly HashSet<string> DocumentTypes = new(StringComparer.OrdinalIgnoreCase) { "application/pdf", "text/plain" };

    /// <summary>The image of a stored photo or sticker; null for anything else.</summary>
    public async Task<ReplyImage?> ImageAsync(Message message, CancellationToken cancellationToken)
    {
        var type = MediaType(message);
        if (message.Type is not ("image" or "sticker") || type is null || !ImageTypes.Contains(type))
        {
            return null;
        }

        return await ReadAsync(message, cancellationToken) is { } bytes ? new ReplyImage(bytes, type.ToLowerInvariant()) : null;
    }

    /// <summary>The text of a stored PDF or plain-text document, at most <paramref name="tokenBudget"/> tokens; null when there is none.</summary>
    public async Task<string?> DocumentTextAsync(Message message, int tokenBudget, CancellationToken cancellationToken)
    {
        var type = MediaType(message);
        if (message.Type != "document" || type is null || !DocumentTypes.Contains(type) || await ReadAsync(message, cancellationToken) is not { } bytes)
        {
            return null;
        }

        var name = message.FileName ?? (type.Equals("application/pdf", StringComparison.OrdinalIgnoreCase) ? "document.pdf" : "document.txt");
        KnowledgeFileContent content;
        try
        {
            content = reader.Read(bytes, name, type, cancellationToken);
        }
        catch (Exception ex) when (ex is ValidationException or UnsupportedMediaTypeException)
        {
            return null;
        }

        var used = 0;
        var parts = content.Chunks.TakeWhile(c => (used += c.Tokens) <= tokenBudget).Select(c => c.Text.Trim()).ToList();
        var clipped = parts.Count < content.Chunks.Count;
        var text = parts.Count == 0 && content.Chunks.Count > 0
            ? InboundRendering.Clip(content.Chunks[0].Text.Trim(), tokenBudget * 4)
            : string.Join("\n", parts);
        return text.Length == 0 ? null : clipped ? text + "\n[…]" : text;
    }

    private static string? MediaType(Message message) =>
        message.MediaStatus == MediaStatus.Stored && message.MediaKey is not null && message.MimeType is { } mime ? mime.Split(';')[0].Trim() : null;

    private async Task<byte[]?> ReadAsync(Message message, CancellationToken cancellationToken)
    {
        await using var file = await media.OpenReadAsync(message.MediaKey!, cancellationToken);
        if (file is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
