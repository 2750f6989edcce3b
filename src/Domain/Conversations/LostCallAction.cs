namespace CleanAgent.Domain.Conversations;

/// <summary>How Meta is told about a call lost with the process that held it (<see cref="Message.EndLostCall"/>).</summary>
public enum LostCallAction
{
    /// <summary>The call only rang: <c>action: reject</c>.</summary>
    Reject,

    /// <summary>Its media was set up (pre-accepted or answered): <c>action: terminate</c>.</summary>
    Terminate,
}
