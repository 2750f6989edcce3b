using CleanAgent.Application.Replies;
using CleanAgent.Application.Webhooks;

namespace CleanAgent.Application.Calls;

/// <summary>
/// Where the webhook hands call events once they are stored: the live-call engine answers a <c>connect</c>, ends a call
/// on <c>terminate</c>. Never blocks the webhook: setting a call up takes longer than Meta waits for its 200.
/// </summary>
public interface ICallSignals
{
    void Notify(KnownNumber number, WebhookCall call);
}

/// <summary>Meta's Business Calling API for one number: answer, refuse or end a call the customer placed.</summary>
public interface IWhatsAppCallControl
{
    /// <summary>Starts the media connection before the call is answered (no clipped first words).</summary>
    Task PreAcceptAsync(SenderNumber number, string callId, string sdpAnswer, CancellationToken cancellationToken);

    Task AcceptAsync(SenderNumber number, string callId, string sdpAnswer, CancellationToken cancellationToken);

    Task RejectAsync(SenderNumber number, string callId, CancellationToken cancellationToken);

    Task TerminateAsync(SenderNumber number, string callId, CancellationToken cancellationToken);
}

/// <summary>Meta refused a call action, or could not be reached.</summary>
public sealed class CallControlException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The <c>Calls</c> settings the use cases read.</summary>
public sealed class CallOptions
{
    public const string SectionName = "Calls";

    /// <summary>What the agent says when it picks up; <c>{agent}</c> is replaced by the agent's name.</summary>
    public string Greeting { get; set; } = "Hello, this is {agent}. How can I help you?";

    /// <summary>What the agent says before it hangs up on a caller who never spoke.</summary>
    public string NoSpeechGoodbye { get; set; } = "I can't hear you, so I'll hang up now. You can call again or write to us here. Goodbye.";

    /// <summary>What the agent says when the model cannot answer a turn.</summary>
    public string CannotAnswer { get; set; } = "Sorry, I can't answer that right now. Could you say it again?";
}
