using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Speech;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Calls.AnswerCall;

/// <summary>
/// Decides whether a call the customer placed (already stored by the webhook) is answered, and by which agent: the
/// number must be active, have <c>callsEnabled</c> and be within its <c>callHours</c>, and an agent must answer it (its own or
/// <c>WhatsApp:DefaultAgentId</c>). The call is first taken for this process (its lease starts, see
/// <see cref="Message.TryClaimCall"/>): a call another instance or an earlier delivery took is left alone
/// (<see cref="CallPlan.Taken"/>). Answers with what the live call needs; never throws for a call that is refused.
/// </summary>
public sealed record AnswerCallCommand(Guid NumberId, string CallId) : ICommand<CallPlan>;

/// <summary>What to do with a call: answer it with the agent (greeting, voice), or refuse it and why.</summary>
public sealed record CallPlan(SenderNumber? Number, string? RefusedBecause)
{
    /// <summary>The call message, whose lease the process answering renews.</summary>
    public Guid CallMessageId { get; init; }

    public Guid ConversationId { get; init; }
    public Guid AgentId { get; init; }
    public string Greeting { get; init; } = string.Empty;
    public SpeechVoice Voice { get; init; } = new(null, null);
    public string? SttModel { get; init; }

    public bool Answers => RefusedBecause is null;

    /// <summary>Another instance (or an earlier delivery of the same <c>connect</c>) took the call: nothing to do here.</summary>
    public bool Taken { get; init; }

    public static CallPlan Refuse(SenderNumber? number, string reason) => new(number, reason);
}

internal sealed class AnswerCallCommandHandler(
    IApplicationDbContext db, ISecretProtector protector, IOptions<ReplyOptions> replies, IOptions<CallOptions> calls, TimeProvider time)
    : ICommandHandler<AnswerCallCommand, CallPlan>
{
    public async ValueTask<CallPlan> Handle(AnswerCallCommand command, CancellationToken cancellationToken)
    {
        var number = await db.WhatsAppNumbers.AsNoTracking().FirstOrDefaultAsync(n => n.Id == command.NumberId, cancellationToken);
        if (number is null)
        {
            return CallPlan.Refuse(null, "the number was removed");
        }

        var sender = number.ToSender(protector);
        var call = await db.FindCallAsync(number.Id, command.CallId, cancellationToken);
        var agentId = number.AgentId ?? replies.Value.DefaultAgentId;
        var agent = agentId is null ? null : await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken);
        var refusal = number.Status != NumberStatus.Active ? "the number is inactive"
            : number.IsSandbox ? "the simulator has no calls"
            : !number.CallsEnabled ? "calls are not enabled for the number (callsEnabled)"
            : !number.TakesCallsAt(time.GetUtcNow()) ? $"outside the number's call hours: {number.CallHours}"
            : call is null ? "the call was not stored"
            : call.Direction != MessageDirection.Inbound ? "the business placed the call"
            : agent is null ? "no agent answers the number: link an agent to it or set WhatsApp:DefaultAgentId"
            : null;
        var now = time.GetUtcNow().UtcDateTime;
        if (call is { Direction: MessageDirection.Inbound }
            && !await db.TryChangeCallAsync(call, c => c.TryClaimCall(now), heldHere: false, cancellationToken))
        {
            return new CallPlan(null, "another instance took the call") { Taken = true };
        }

        if (refusal is not null)
        {
            return CallPlan.Refuse(sender, refusal);
        }

        return new CallPlan(sender, null)
        {
            CallMessageId = call!.Id,
            ConversationId = call.ConversationId,
            AgentId = agent!.Id,
            Greeting = calls.Value.Greeting.Replace("{agent}", agent.Name, StringComparison.Ordinal),
            Voice = new SpeechVoice(agent.TtsModel, agent.TtsVoice),
            SttModel = agent.SttModel,
        };
    }
}
