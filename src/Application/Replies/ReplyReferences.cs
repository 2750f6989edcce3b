using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Replies;

/// <summary>
/// What the steps of one reply run read again and again: the conversation (tracked, so each step sees the last step's
/// commit without a query; a webhook's change since then shows up as a version conflict on save, where
/// <see cref="ConversationUpdates"/> reloads it), the number with its token in clear, and the agent. One per run (a
/// scope): a number or agent edited meanwhile is seen by the next run.
/// </summary>
internal sealed class ReplyReferences(IApplicationDbContext db, ISecretProtector protector)
{
    private WhatsAppNumber? _number;
    private SenderNumber? _sender;
    private Agent? _agent;
    private List<Message>? _openInbound;
    private int _reloadsAtOpenRead;

    public async Task<Conversation?> ConversationAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Conversations.FindAsync([id], cancellationToken);

    /// <summary>The decide step's read of what is open: the customer messages in it are still tracked, and answered in memory.</summary>
    public void SawOpenMessages(IEnumerable<Message> open)
    {
        _openInbound = open.Where(m => m.Direction == MessageDirection.Inbound).ToList();
        _reloadsAtOpenRead = db.Reloads;
    }

    /// <summary>
    /// Whether customer messages other than <paramref name="except"/> still wait for an answer. A message stored since
    /// the decide step's read bumps the conversation's version, so a save of the run fails and the conversation is read
    /// again: while that has not happened, the answer is in the tracked messages, without a query.
    /// </summary>
    public Task<bool> HasUnansweredAsync(Guid conversationId, IReadOnlyCollection<Guid> except, CancellationToken cancellationToken) =>
        _openInbound is not null && db.Reloads == _reloadsAtOpenRead
            ? Task.FromResult(_openInbound.Any(m => m.ConversationId == conversationId && m.NeedsReply && m.AnsweredAt == null && !except.Contains(m.Id)))
            : db.HasUnansweredAsync(conversationId, except, cancellationToken);

    /// <summary>Messages by id: the ones the decide step read are still tracked, so this costs no query.</summary>
    public async Task<List<Message>> MessagesAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        var messages = new List<Message>(ids.Count);
        foreach (var id in ids)
        {
            if (await db.Messages.FindAsync([id], cancellationToken) is { } message)
            {
                messages.Add(message);
            }
        }

        return messages;
    }

    public async Task<WhatsAppNumber> NumberAsync(Guid id, CancellationToken cancellationToken) =>
        _number?.Id == id ? _number : _number = await db.WhatsAppNumbers.AsNoTracking().FirstAsync(n => n.Id == id, cancellationToken);

    /// <summary>The number as the sender port needs it; its token is decrypted once per run.</summary>
    public async Task<SenderNumber> SenderAsync(Guid numberId, CancellationToken cancellationToken)
    {
        var number = await NumberAsync(numberId, cancellationToken);
        return _sender is not null && _sender.PhoneNumberId == number.PhoneNumberId ? _sender : _sender = number.ToSender(protector);
    }

    /// <summary>The agent, or null when it does not exist (any more).</summary>
    public async Task<Agent?> AgentAsync(Guid id, CancellationToken cancellationToken) =>
        _agent?.Id == id ? _agent : _agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
}
