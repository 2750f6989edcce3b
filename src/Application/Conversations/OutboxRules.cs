using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Conversations;

internal static class OutboxRules
{
    /// <summary>The 409's explanation when a message cannot be sent again or discarded.</summary>
    public static string WhyNot(Message message, string action) =>
        message.Direction == MessageDirection.Inbound ? $"The message is the customer's; only outbound messages can be {action}."
        : message.WhatsAppMessageId is not null ? $"Meta accepted the message (status {message.Status}); it cannot be {action}."
        : message.Status != MessageStatus.Failed ? $"The message is {message.Status}; only a message that failed for good can be {action}."
        : $"The message has no text to send; it can only be discarded.";
}
