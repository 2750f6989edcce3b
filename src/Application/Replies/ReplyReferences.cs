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

    public async Task<Conversation?> ConversationAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Conversations.FindAsync([id], cancellationToken);

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
