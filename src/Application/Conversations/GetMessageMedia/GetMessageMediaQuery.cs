using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Media;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Conversations.GetMessageMedia;

/// <summary>The stored file of a media message, to stream; not found when the message has none stored.</summary>
public sealed record GetMessageMediaQuery(Guid ConversationId, Guid MessageId) : IQuery<MessageMedia>;

/// <summary>A stored file: the caller disposes <see cref="Content"/>.</summary>
public sealed record MessageMedia(Stream Content, string ContentType, string FileName, long? SizeBytes);

internal sealed class GetMessageMediaQueryHandler(IApplicationDbContext db, IMediaStore store) : IQueryHandler<GetMessageMediaQuery, MessageMedia>
{
    public async ValueTask<MessageMedia> Handle(GetMessageMediaQuery query, CancellationToken cancellationToken)
    {
        var message = await db.Messages.AsNoTracking()
            .FirstOrDefaultAsync(m => m.Id == query.MessageId && m.ConversationId == query.ConversationId, cancellationToken)
            ?? throw new NotFoundException("Message", query.MessageId);
        if (message.MediaStatus != MediaStatus.Stored || message.MediaKey is null
            || await store.OpenReadAsync(message.MediaKey, cancellationToken) is not { } content)
        {
            throw new NotFoundException("Media of message", query.MessageId);
        }

        var contentType = string.IsNullOrWhiteSpace(message.MimeType) ? "application/octet-stream" : message.MimeType;
        return new MessageMedia(content, contentType, MediaRules.FileNameFor(message.Type, message.FileName, message.MimeType, message.Id), message.MediaSizeBytes);
    }
}
