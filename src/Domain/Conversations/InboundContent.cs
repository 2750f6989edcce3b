namespace CleanAgent.Domain.Conversations;

/// <summary>What a customer sent, read out of Meta's webhook in our own terms.</summary>
public sealed record InboundContent
{
    /// <summary>Meta's message type as sent (text, image, reaction, or a type added later).</summary>
    public required string Type { get; init; }

    /// <summary>The text body, or for other types the words that stand for it (caption, button title, emoji…).</summary>
    public string? Text { get; init; }

    public string? MediaId { get; init; }

    /// <summary>Where the file can be fetched, when Meta gives a url (with or without an id).</summary>
    public string? MediaUrl { get; init; }
    public string? MimeType { get; init; }
    public string? Sha256 { get; init; }
    public string? Caption { get; init; }
    public string? FileName { get; init; }
    public bool IsVoice { get; init; }

    /// <summary>The wamid this message answers or reacts to.</summary>
    public string? ContextMessageId { get; init; }

    public bool IsForwarded { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorTitle { get; init; }

    /// <summary>The message's own JSON exactly as Meta sent it.</summary>
    public required string RawJson { get; init; }

    /// <summary>Reactions, system notices, edits and revokes of earlier messages, and calls are recorded, not answered.</summary>
    public bool NeedsReply => Type is not ("reaction" or "system" or "ephemeral" or "request_welcome" or "edit" or "revoke" or "call");
}
