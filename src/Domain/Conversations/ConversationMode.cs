namespace CleanAgent.Domain.Conversations;

/// <summary>Who answers a conversation: the agent (the default), or a person while the agent is paused.</summary>
public enum ConversationMode
{
    Agent,
    Human,
}
