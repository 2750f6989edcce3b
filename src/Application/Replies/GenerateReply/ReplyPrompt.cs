using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.GenerateReply;

/// <summary>What the model is given: the agent's prompt, the knowledge that matches the question, and the conversation so far.</summary>
internal sealed class ReplyPrompt(IApplicationDbContext db, IKnowledgeSearch knowledge, CustomerAttachments attachments, IOptions<ReplyOptions> options)
{
    public async Task<ReplyRequest> BuildAsync(Conversation conversation, Agent agent, List<Message> unanswered, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var answeredIds = unanswered.Select(m => m.Id).ToList();
        var history = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id && !answeredIds.Contains(m.Id) && m.Status != MessageStatus.Failed
                && m.Status != MessageStatus.Discarded && m.Type != "reaction"
                && (m.Direction == MessageDirection.Outbound || m.AnsweredAt != null))
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Take(settings.HistoryMessages)
            .ToListAsync(cancellationToken);
        history.Reverse();
        // Customer content (text, transcripts, captions) is clipped to about the knowledge budget (~4 characters a token).
        var maxChars = Math.Max(1000, settings.KnowledgeTokenBudget * 4);
        var turns = history
            .Select(m => new ChatTurn(m.Direction == MessageDirection.Inbound, m.Direction == MessageDirection.Inbound ? InboundRendering.Render(m, maxChars) : m.Text ?? m.Transcript ?? string.Empty))
            .ToList();

        var question = string.Join("\n", unanswered.Select(m => m.Transcript ?? m.Text).Where(t => !string.IsNullOrWhiteSpace(t)));
        var matches = question.Length == 0 ? [] : await knowledge.SearchAsync(agent.Id, question, settings.KnowledgeTokenBudget, cancellationToken);
        var customer = new List<string>(unanswered.Count);
        var images = new List<ReplyImage>();
        foreach (var message in unanswered)
        {
            var rendered = InboundRendering.Render(message, maxChars);
            if (await attachments.DocumentTextAsync(message, settings.KnowledgeTokenBudget, cancellationToken) is { } document)
            {
                rendered += "\n[the document's text:]\n" + document;
            }

            if (agent.AcceptsImages && await attachments.ImageAsync(message, cancellationToken) is { } image)
            {
                images.Add(image);
                rendered += " [attached below]";
            }

            customer.Add(rendered);
        }

        return new ReplyRequest(agent.Prompt, agent.LlmModel, agent.FallbackReply, matches, turns, customer, conversation.CustomerName)
        {
            UnheardVoiceNotes = unanswered.Count(m => m.IsAudio && m.Transcript is null),
            Images = images,
        };
    }
}
