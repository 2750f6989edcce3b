namespace CleanAgent.Application.Common.Interfaces;

/// <summary>Asks for a conversation's pending reply to be produced in the background.</summary>
public interface IReplyScheduler
{
    /// <summary>Called only after the state that needs the reply has been committed.</summary>
    void ScheduleReply(Guid conversationId);
}
