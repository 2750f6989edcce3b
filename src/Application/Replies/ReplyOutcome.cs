namespace CleanAgent.Application.Replies;

/// <summary>How one run of a conversation's reply ended, for whoever runs it (the in-process dispatcher or a Hangfire retry).</summary>
public sealed record ReplyOutcome(ReplyOutcomeKind Kind, DateTime? RetryAt = null, string? Error = null)
{
    public static readonly ReplyOutcome Finished = new(ReplyOutcomeKind.Finished);
    public static readonly ReplyOutcome NotClaimed = new(ReplyOutcomeKind.NotClaimed);
    public static readonly ReplyOutcome Lost = new(ReplyOutcomeKind.Lost);

    public static ReplyOutcome Deferred(DateTime? retryAt, string error) => new(ReplyOutcomeKind.Deferred, retryAt, error);

    public static ReplyOutcome Failed(string error) => new(ReplyOutcomeKind.Failed, null, error);
}

public enum ReplyOutcomeKind
{
    /// <summary>Answered, or given up for a reason recorded on the conversation (no agent, window closed…).</summary>
    Finished,

    /// <summary>Nothing owed now, its backoff has not passed, or another run holds the conversation.</summary>
    NotClaimed,

    /// <summary>Another run took the conversation over meanwhile; it finishes the reply.</summary>
    Lost,

    /// <summary>A transient failure (the model or Meta); the conversation's retry clock says when to try again.</summary>
    Deferred,

    /// <summary>Meta refused the answer for good; recorded on the messages and the conversation.</summary>
    Failed,
}
