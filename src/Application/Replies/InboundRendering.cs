using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Replies;

/// <summary>
/// How a customer's message reads to the model: text as written, anything else as a bracketed note. A voice note reads
/// as its transcript, marked as one; a voice note without one tells the model that it cannot hear it. Transcripts are the
/// customer's words (untrusted, like any text of theirs): they go in the user turn, clipped to <c>maxChars</c>.
/// </summary>
public static class InboundRendering
{
    /// <summary>What the model reads for a voice note it has no words of.</summary>
    public const string UnheardVoiceNote =
        "[voice note: the customer sent a voice message that you cannot listen to. Tell them so and ask them to type their message.]";

    public const int DefaultMaxChars = 6000;

    public static string Render(Message message) => Render(message, DefaultMaxChars);

    public static string Render(Message message, int maxChars)
    {
        var text = string.IsNullOrWhiteSpace(message.Text) ? null : message.Text;
        return message.Type switch
        {
            "text" => message.Text ?? string.Empty,
            Message.CallTurnType => $"[on a call] {message.Text}",
            "audio" or "voice" when message.Transcript is { } transcript =>
                $"[{(message.IsVoice || message.Type == "voice" ? "voice note" : "audio")}, transcribed; the customer said:] {Clip(transcript, maxChars)}",
            "audio" or "voice" when message.Direction == MessageDirection.Inbound => UnheardVoiceNote,
            "audio" => "[audio]",
            "image" or "sticker" => text is null ? $"[{message.Type}]" : $"[{message.Type}: {text}]",
            "video" => $"[video{Details(message)}{(text is null ? string.Empty : ": " + text)}]",
            "document" => $"[document: {message.FileName ?? message.Caption ?? "file"}{Details(message)}{(message.Caption is { } c && message.FileName is not null ? " — " + c : string.Empty)}]",
            "location" => $"[location: {text ?? "shared"}]",
            "contacts" => $"[contact card: {text ?? "shared"}]",
            "interactive" or "button" => $"[button: {text ?? "pressed"}]",
            "order" => $"[{text ?? "order"}]",
            "reaction" => $"[reaction: {text ?? "removed"}]",
            "unsupported" => "[a message type WhatsApp could not deliver to us]",
            _ => text is null ? $"[{message.Type}]" : $"[{message.Type}: {text}]",
        };
    }

    /// <summary>A file's type and size, when known: " (application/pdf, 120 KB)".</summary>
    private static string Details(Message message)
    {
        var type = message.MimeType?.Split(';')[0].Trim();
        var size = message.MediaSizeBytes switch
        {
            null => null,
            < 1024 => $"{message.MediaSizeBytes} bytes",
            < 1024 * 1024 => $"{message.MediaSizeBytes / 1024} KB",
            _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{message.MediaSizeBytes / (1024.0 * 1024):0.#} MB"),
        };
        var parts = new[] { type, size }.Where(p => !string.IsNullOrEmpty(p)).ToList();
        return parts.Count == 0 ? string.Empty : $" ({string.Join(", ", parts)})";
    }

    /// <summary>Cuts customer content to the budget, at a word where one is near.</summary>
    public static string Clip(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        var head = text[..maxChars];
        var space = head.LastIndexOf(' ');
        return (space > maxChars * 3 / 4 ? head[..space] : head).TrimEnd() + " […]";
    }
}
