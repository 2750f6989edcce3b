namespace CleanAgent.Application.Replies;

/// <summary>The <c>WhatsApp</c> settings of the reply flow.</summary>
public sealed class ReplyOptions
{
    /// <summary>The agent for numbers that link none (<c>WhatsApp:DefaultAgentId</c>, alias <c>WHATSAPP_VOICE_AGENT_ID</c>).</summary>
    public Guid? DefaultAgentId { get; set; }

    /// <summary>How many earlier messages of the conversation the model sees.</summary>
    public int HistoryMessages { get; set; } = 20;

    /// <summary>How many tokens of knowledge go into the prompt.</summary>
    public int KnowledgeTokenBudget { get; set; } = 1500;
}
