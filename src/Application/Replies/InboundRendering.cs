using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Replies;

/// <summary>How a customer's message reads to the model: text as written, anything else as a bracketed note.</summary>
public static class InboundRendering
{
    public static string Render(Message message)
    {
        var text = string.IsNullOrWhiteSpace(message.Text) ? null : message.Text;
        return message.Type switch
        {
            "text" => message.Text ?? string.Empty,
            Message.CallTurnType => $"[on a call] {message.Text}",
            "audio" or "voice" when message.IsVoice || message.Type == "voice" => "[voice note]",
            "audio" => "[audio]",
            "image" or "video" or "sticker" => text is null ? $"[{message.Type}]" : $"[{message.Type}: {text}]",
            "document" => $"[document: {message.FileName ?? message.Caption ?? "file"}{(message.Caption is { } c && message.FileName is not null ? " — " + c : string.Empty)}]",
            "location" => $"[location: {text ?? "shared"}]",
            "contacts" => $"[contact card: {text ?? "shared"}]",
            "interactive" or "button" => $"[button: {text ?? "pressed"}]",
            "order" => $"[{text ?? "order"}]",
            "reaction" => $"[reaction: {text ?? "removed"}]",
            "unsupported" => "[a message type WhatsApp could not deliver to us]",
            _ => text is null ? $"[{message.Type}]" : $"[{message.Type}: {text}]",
        };
    }
}
