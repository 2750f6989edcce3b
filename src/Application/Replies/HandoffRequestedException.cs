namespace CleanAgent.Application.Replies;

/// <summary>
/// The model answered by handing the conversation to a person (its <c>handoff_to_human</c> tool) instead of writing an
/// answer. Thrown by <see cref="IReplyGenerator"/>; the generate step hands the conversation over.
/// </summary>
public sealed class HandoffRequestedException(string reason) : Exception(reason)
{
    public const string ToolName = "handoff_to_human";

    public string Reason { get; } = reason;
}
