using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Replies.GenerateReply;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Calls.AnswerCallTurn;

/// <summary>
/// One turn of a call: what the caller said is stored in the conversation, the agent answers it with the same prompt,
/// knowledge and history as in the chat, and its answer is stored too. Returns what the agent says.
/// </summary>
public sealed record AnswerCallTurnCommand(Guid ConversationId, Guid AgentId, string CallerText) : ICommand<string>;

internal sealed class AnswerCallTurnCommandHandler(
    IApplicationDbContext db, ReplyPrompt prompt, IReplyGenerator generator, IOptions<CallOptions> options, TimeProvider time)
    : ICommandHandler<AnswerCallTurnCommand, string>
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async ValueTask<string> Handle(AnswerCallTurnCommand command, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.FirstAsync(c => c.Id == command.ConversationId, cancellationToken);
        var agent = await db.Agents.AsNoTracking().FirstAsync(a => a.Id == command.AgentId, cancellationToken);

        // The caller's words are kept even when the model then fails.
        var turn = Message.CallTurn(conversation, fromCustomer: true, command.CallerText, Now);
        db.Messages.Add(turn);
        await db.SaveChangesAsync(cancellationToken);

        string answer;
        try
        {
            answer = await generator.GenerateAsync(await prompt.BuildAsync(conversation, agent, [turn], cancellationToken), cancellationToken);
        }
        catch (ReplyGenerationException)
        {
            answer = string.Empty;
        }

        answer = string.IsNullOrWhiteSpace(answer) ? agent.FallbackReply ?? options.Value.CannotAnswer : answer.Trim();
        turn.MarkAnswered(Now);
        db.Messages.Add(Message.CallTurn(conversation, fromCustomer: false, answer, Now));
        await db.SaveChangesAsync(cancellationToken);
        return answer;
    }
}
