namespace CleanAgent.Domain.Conversations;

/// <summary>One WhatsApp message in a conversation, in either direction.</summary>
public sealed class Message
{
    public const int MaxTextLength = 4096;

    private Message()
    {
        Type = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid ConversationId { get; private set; }
    public Guid WhatsAppNumberId { get; private set; }
    public MessageDirection Direction { get; private set; }

    /// <summary>Meta's id (wamid); unique per number. Empty on an outbound message until Meta accepts it.</summary>
    public string? WhatsAppMessageId { get; private set; }

    public string Type { get; private set; }
    public string? Text { get; private set; }
    public MessageStatus Status { get; private set; }

    /// <summary>When the message was sent, by Meta's clock for inbound ones.</summary>
    public DateTime Timestamp { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime? StatusAt { get; private set; }
    public string? MediaId { get; private set; }
    public string? MimeType { get; private set; }
    public string? Sha256 { get; private set; }
    public string? Caption { get; private set; }
    public string? FileName { get; private set; }
    public bool IsVoice { get; private set; }
    public string? ContextMessageId { get; private set; }
    public bool IsForwarded { get; private set; }
    public string? ErrorCode { get; private set; }
    public string? ErrorTitle { get; private set; }
    public string? RawJson { get; private set; }

    /// <summary>For inbound messages that need an answer: when the answer went out (or was given up).</summary>
    public bool NeedsReply { get; private set; }

    public DateTime? AnsweredAt { get; private set; }

    public static Message Inbound(Conversation conversation, string wamid, InboundContent content, DateTime timestamp, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversation.Id,
            WhatsAppNumberId = conversation.WhatsAppNumberId,
            Direction = MessageDirection.Inbound,
            WhatsAppMessageId = wamid,
            Type = content.Type,
            Text = content.Text,
            Status = MessageStatus.Received,
            Timestamp = timestamp,
            CreatedAt = now,
            MediaId = content.MediaId,
            MimeType = content.MimeType,
            Sha256 = content.Sha256,
            Caption = content.Caption,
            FileName = content.FileName,
            IsVoice = content.IsVoice,
            ContextMessageId = content.ContextMessageId,
            IsForwarded = content.IsForwarded,
            ErrorCode = content.ErrorCode,
            ErrorTitle = content.ErrorTitle,
            RawJson = content.RawJson,
            NeedsReply = content.NeedsReply,
        };

    public static Message OutboundText(Conversation conversation, string text, string? replyTo, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversation.Id,
            WhatsAppNumberId = conversation.WhatsAppNumberId,
            Direction = MessageDirection.Outbound,
            Type = "text",
            Text = text,
            Status = MessageStatus.Pending,
            Timestamp = now,
            CreatedAt = now,
            ContextMessageId = replyTo,
        };

    public void MarkSent(string wamid, DateTime now)
    {
        WhatsAppMessageId = wamid;
        if (Status.Rank() < MessageStatus.Sent.Rank())
        {
            Status = MessageStatus.Sent;
            StatusAt = now;
        }
    }

    public void MarkFailed(string? code, string? title, DateTime now)
    {
        Status = MessageStatus.Failed;
        ErrorCode = code;
        ErrorTitle = title;
        StatusAt = now;
    }

    /// <summary>
    /// Applies a delivery status from Meta. Statuses only move forward: a late "delivered" never
    /// replaces "read". Returns whether anything changed.
    /// </summary>
    public bool ApplyStatus(MessageStatus status, DateTime at, string? errorCode, string? errorTitle)
    {
        if (Direction == MessageDirection.Inbound || status is MessageStatus.Received or MessageStatus.Pending)
        {
            return false;
        }

        if (status == MessageStatus.Failed)
        {
            if (Status.Rank() >= MessageStatus.Read.Rank() || Status == MessageStatus.Failed)
            {
                return false;
            }

            MarkFailed(errorCode, errorTitle, at);
            return true;
        }

        if (status.Rank() <= Status.Rank() && Status != MessageStatus.Failed)
        {
            return false;
        }

        if (Status == MessageStatus.Failed && status.Rank() < MessageStatus.Read.Rank())
        {
            return false;
        }

        Status = status;
        StatusAt = at;
        return true;
    }

    public void MarkAnswered(DateTime now) => AnsweredAt ??= now;

    /// <summary>An outbound message in the outbox: committed, not yet accepted by Meta.</summary>
    public bool AwaitsDelivery => Direction == MessageDirection.Outbound && Status == MessageStatus.Pending;

    /// <summary>Failed for good before Meta accepted it: an operator may send it again or discard it.</summary>
    public bool IsUndelivered => Direction == MessageDirection.Outbound && Status == MessageStatus.Failed && WhatsAppMessageId is null;

    /// <summary>Puts an undelivered message back in the outbox; false when it was delivered, pending or has nothing to send.</summary>
    public bool TryRequeue(DateTime now)
    {
        if (!IsUndelivered || string.IsNullOrEmpty(Text))
        {
            return false;
        }

        Status = MessageStatus.Pending;
        ErrorCode = null;
        ErrorTitle = null;
        StatusAt = now;
        return true;
    }

    /// <summary>Gives an undelivered message up for good; false when there is nothing to give up.</summary>
    public bool TryDiscard(DateTime now)
    {
        if (!IsUndelivered)
        {
            return false;
        }

        Status = MessageStatus.Discarded;
        StatusAt = now;
        return true;
    }
}
