namespace CleanAgent.Application.Replies;

/// <summary>The <c>WhatsApp</c> settings of the reply flow.</summary>
public sealed class ReplyOptions
{
    /// <summary>The agent for numbers that link none (<c>WhatsApp:DefaultAgentId</c>, alias <c>WHATSAPP_VOICE_AGENT_ID</c>).</summary>
    public Guid? DefaultAgentId { get; set; }

    /// <summary>How many earlier messages of the conversation the model sees.</summary>
    public int HistoryMessages { get; set; } = 20;

    /// <summary>
    /// People often write several short messages in a row. A reply waits until the customer has
    /// been quiet this long (counted from the newest message's arrival), so they get one answer.
    /// </summary>
    public int BurstWindowMilliseconds { get; set; } = 1500;

    /// <summary>The longest a reply waits for a customer who keeps typing.</summary>
    public int MaxBurstWaitMilliseconds { get; set; } = 6000;

    /// <summary>How many tokens of knowledge go into the prompt.</summary>
    public int KnowledgeTokenBudget { get; set; } = 1500;
}
