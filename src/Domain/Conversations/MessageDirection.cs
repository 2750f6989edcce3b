namespace CleanAgent.Domain.Conversations;

public enum MessageDirection
{
    Inbound,
    Outbound,
}
