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

    /// <summary>
    /// How long a reply job holds a conversation without renewing it. After a crash, another
    /// instance takes the conversation over once the lease has run out (and the sweeper looks).
    /// Keep it above the model's time-out (<c>Ai:TimeoutSeconds</c>, 45 s) and well above the Graph API
    /// time-out (<c>Meta:TimeoutSeconds</c>, 30 s): a job whose lease runs out while it sends a stored
    /// answer lets another job send that answer too.
    /// </summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>The lease as a span of time.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(1, LeaseSeconds));

    /// <summary>
    /// Replies produced at once by one instance. A reply mostly waits (for the model, for Meta) without holding a
    /// thread, so this bounds memory and connections, not CPU.
    /// </summary>
    public int MaxConcurrentReplies { get; set; } = 512;

    /// <summary>The most of those one number may hold, so that a number's backlog leaves room for the others.</summary>
    public int MaxConcurrentRepliesPerNumber { get; set; } = 384;

    /// <summary>How often the sweeper looks for owed replies that no job is working on.</summary>
    public int SweepIntervalSeconds { get; set; } = 10;

    /// <summary>A reply asked for more recently than this is left to the job the webhook scheduled.</summary>
    public int SweepGraceSeconds { get; set; } = 20;
}
