namespace CleanAgent.Application.Replies.DecideReply;

/// <summary>What a conversation needs next.</summary>
public sealed record ReplyDecision(ReplyDecisionKind Kind, Guid AgentId = default, IReadOnlyList<Guid>? MessageIds = null, TimeSpan WaitFor = default)
{
    public static readonly ReplyDecision Done = new(ReplyDecisionKind.Done);
    public static readonly ReplyDecision Again = new(ReplyDecisionKind.Again);
    public static readonly ReplyDecision Deliver = new(ReplyDecisionKind.Deliver);
    public static readonly ReplyDecision Lost = new(ReplyDecisionKind.Lost);

    public static ReplyDecision Wait(TimeSpan wait) => new(ReplyDecisionKind.Wait, WaitFor: wait);

    public static ReplyDecision Answer(Guid agentId, IReadOnlyList<Guid> messageIds) => new(ReplyDecisionKind.Answer, agentId, messageIds);
}

public enum ReplyDecisionKind
{
    /// <summary>Nothing is owed any more; the conversation is free.</summary>
    Done,

    /// <summary>A message came in while deciding: decide again.</summary>
    Again,

    /// <summary>Answers wait in the outbox.</summary>
    Deliver,

    /// <summary>The customer is still typing.</summary>
    Wait,

    /// <summary>The agent answers these messages.</summary>
    Answer,

    /// <summary>Another run holds the conversation now.</summary>
    Lost,
}
