using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Replies;

/// <summary>
/// What the steps of one reply run read again and again: the conversation (tracked, so each step sees the last step's
/// commit without a query; a webhook's change since then shows up as a version conflict on save, where
/// <see cref="ConversationUpdates"/> reloads it), the number with its token in clear, and the agent (both from the
/// <see cref="ReferenceDataCache"/>). One per run (a scope): a number or agent edited meanwhile is seen by the next run.
/// </summary>
internal sealed class ReplyReferences(IApplicationDbContext db, ReferenceDataCache cache)
{
    private (WhatsAppNumber Number, SenderNumber Sender)? _number;
    private Agent? _agent;
    private List<Message>? _open;
    private int _reloadsAtOpenRead;

    public async Task<Conversation?> ConversationAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Conversations.FindAsync([id], cancellationToken);

    /// <summary>
    /// The decide step's read of what is open (unanswered customer messages, unsent answers): they stay tracked, so later
    /// steps answer, render and deliver them in memory.
    /// </summary>
    public void SawOpenMessages(IEnumerable<Message> open)
    {
        _open = open.ToList();
        _reloadsAtOpenRead = db.Reloads;
    }

    /// <summary>Outbound messages this run writes (answers, notices): committed with the step's save, and known to the deliver step.</summary>
    public void AddOutbound(IEnumerable<Message> messages)
    {
        foreach (var message in messages)
        {
            db.Messages.Add(message);
            _open?.Add(message);
        }
    }

    /// <summary>
    /// The conversation's unsent answers, oldest first. While the decide step's read is current (see
    /// <see cref="HasUnansweredAsync"/>), they are the pending ones among it and this run's own, without a query.
    /// </summary>
    public async Task<List<Message>> OutboxAsync(Guid conversationId, CancellationToken cancellationToken) =>
        IsOpenReadCurrent
            ? _open!.Where(m => m.ConversationId == conversationId && m.AwaitsDelivery).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToList()
            : await db.Messages
                .Where(m => m.ConversationId == conversationId && m.Direction == MessageDirection.Outbound && m.Status == MessageStatus.Pending)
                .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
                .ToListAsync(cancellationToken);

    private bool IsOpenReadCurrent => _open is not null && db.Reloads == _reloadsAtOpenRead;

    /// <summary>
    /// Whether customer messages other than <paramref name="except"/> still wait for an answer. A message stored since
    /// the decide step's read bumps the conversation's version, so a save of the run fails and the conversation is read
    /// again: while that has not happened, the answer is in the tracked messages, without a query.
    /// </summary>
    public Task<bool> HasUnansweredAsync(Guid conversationId, IReadOnlyCollection<Guid> except, CancellationToken cancellationToken) =>
        IsOpenReadCurrent
            ? Task.FromResult(_open!.Any(m => m.ConversationId == conversationId && m.Direction == MessageDirection.Inbound && m.NeedsReply && m.AnsweredAt == null && !except.Contains(m.Id)))
            : db.HasUnansweredAsync(conversationId, except, cancellationToken);

    /// <summary>Whether answers wait in the outbox: this run's own, or (after a reload) one stored meanwhile, as an operator's.</summary>
    public async Task<bool> HasUnsentAsync(Guid conversationId, Guid except, CancellationToken cancellationToken) =>
        IsOpenReadCurrent
            ? _open!.Any(m => m.ConversationId == conversationId && m.AwaitsDelivery && m.Id != except)
            : await db.Messages.AnyAsync(
                m => m.ConversationId == conversationId && m.Direction == MessageDirection.Outbound && m.Status == MessageStatus.Pending && m.Id != except,
                cancellationToken);

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
        (await NumberAndSenderAsync(id, cancellationToken)).Number;

    /// <summary>The number as the sender port needs it, with its token decrypted (once per process and cache entry).</summary>
    public async Task<SenderNumber> SenderAsync(Guid numberId, CancellationToken cancellationToken) =>
        (await NumberAndSenderAsync(numberId, cancellationToken)).Sender;

    /// <summary>
    /// The number read again after Meta refused <paramref name="used"/>'s token: the sender with a token changed since
    /// it was cached (through another instance), or null when the token is the same.
    /// </summary>
    public async Task<SenderNumber?> FreshSenderAsync(Guid numberId, SenderNumber used, CancellationToken cancellationToken)
    {
        _number = await cache.ReloadNumberAsync(numberId, () => db.WhatsAppNumbers.AsNoTracking().FirstAsync(n => n.Id == numberId, cancellationToken));
        return _number.Value.Sender.AccessToken == used.AccessToken ? null : _number.Value.Sender;
    }

    /// <summary>The agent, or null when it does not exist (any more).</summary>
    public async Task<Agent?> AgentAsync(Guid id, CancellationToken cancellationToken) =>
        _agent?.Id == id
            ? _agent
            : _agent = await cache.AgentAsync(id, () => db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken));

    private async Task<(WhatsAppNumber Number, SenderNumber Sender)> NumberAndSenderAsync(Guid id, CancellationToken cancellationToken) =>
        _number is { } held && held.Number.Id == id
            ? held
            : (_number = await cache.NumberAsync(id, () => db.WhatsAppNumbers.AsNoTracking().FirstAsync(n => n.Id == id, cancellationToken))).Value;
}
