using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Media;
using CleanAgent.Domain.Conversations;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Conversations.SendOperatorMedia;

/// <summary>
/// A person's file to the customer (an image, audio, a video or a document, by its media type), with an optional caption.
/// It is kept in the media store like inbound files and sent through the outbox like every outbound message: the deliver
/// step uploads it to Meta and sends it by its media id. A type Meta does not allow is refused (415), a file above Meta's
/// limit for its kind or <c>Media:MaxBytes</c> too (413); the window, the takeover and the Idempotency-Key work as for a text.
/// </summary>
public sealed record SendOperatorMediaCommand(
    Guid ConversationId, string? FileName, string? MimeType, ReadOnlyMemory<byte> Bytes, string? Caption, string SentBy, string? IdempotencyKey = null)
    : ICommand<MessageDto>;

internal sealed class SendOperatorMediaCommandValidator : AbstractValidator<SendOperatorMediaCommand>
{
    /// <summary>Meta's longest caption.</summary>
    public const int MaxCaptionLength = 1024;

    public SendOperatorMediaCommandValidator()
    {
        RuleFor(x => x.Bytes.Length).GreaterThan(0).WithMessage("'file' is empty.").OverridePropertyName("file");
        RuleFor(x => x.Caption).MaximumLength(MaxCaptionLength).OverridePropertyName("caption");
        RuleFor(x => x.IdempotencyKey).MaximumLength(Message.MaxIdempotencyKeyLength).OverridePropertyName("Idempotency-Key");
    }
}

internal sealed class SendOperatorMediaCommandHandler(
    IApplicationDbContext db, IMediaStore store, IReplyScheduler scheduler, IOptions<MediaOptions> options, TimeProvider time)
    : ICommandHandler<SendOperatorMediaCommand, MessageDto>
{
    public async ValueTask<MessageDto> Handle(SendOperatorMediaCommand command, CancellationToken cancellationToken)
    {
        var kind = MediaRules.KindFor(command.MimeType)
            ?? throw new UnsupportedMediaTypeException(
                $"WhatsApp does not send '{command.MimeType}' files. Send one of: {string.Join(", ", MediaRules.SendableMimeTypes)}.");
        var maxBytes = MediaRules.MaxBytesFor(kind, options.Value.MaxBytes);
        if (command.Bytes.Length > maxBytes)
        {
            throw new PayloadTooLargeException($"A {kind} file may have at most {maxBytes} bytes (Meta's limit for its kind, or Media:MaxBytes); this one has {command.Bytes.Length}.");
        }

        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == command.ConversationId, cancellationToken)
            ?? throw new NotFoundException("Conversation", command.ConversationId);
        if (await db.FindSentWithKeyAsync(conversation.WhatsAppNumberId, command.IdempotencyKey, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var now = time.GetUtcNow().UtcDateTime;
        conversation.EnsureOperatorCanWrite(now);
        var key = await store.SaveAsync(command.Bytes, cancellationToken);
        var message = Message.OperatorMedia(
            conversation, kind, key, command.Bytes.Length, MediaRules.BareMimeType(command.MimeType!), command.FileName, command.Caption, command.SentBy, command.IdempotencyKey, now);
        db.Messages.Add(message);
        return await db.SaveOnceAsync(conversation, message, c => db.TakeOverForReplyAsync(c, command.SentBy, now, cancellationToken), scheduler, cancellationToken);
    }
}
