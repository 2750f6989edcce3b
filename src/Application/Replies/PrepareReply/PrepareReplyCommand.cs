using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Media;
using CleanAgent.Application.Speech;
using CleanAgent.Domain.Conversations;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.PrepareReply;

/// <summary>
/// The step before the answer: the files of the messages to answer are fetched and kept (media ids expire after seven
/// days), and voice notes are transcribed. Each message's state is committed as soon as it is done, so a crash loses
/// nothing. A failure that may pass defers the reply (the conversation's retry clock); after
/// <see cref="Message.MaxMediaAttempts"/> tries, or a failure that will not pass, the reason is recorded and the agent
/// answers with what it has. Before a transcription the lease is made to cover the speech time-out. False when another
/// run took the conversation over.
/// </summary>
public sealed record PrepareReplyCommand(Guid ConversationId, Guid Owner, Guid AgentId, IReadOnlyList<Guid> MessageIds)
    : ICommand<bool>, IBackgroundCommand;

internal sealed partial class PrepareReplyCommandHandler(
    IApplicationDbContext db,
    ReplyReferences references,
    MediaDownloads downloads,
    IMediaStore store,
    ISpeechTranscriber transcriber,
    IOptions<ReplyOptions> options,
    TimeProvider time,
    ILogger<PrepareReplyCommandHandler> logger) : ICommandHandler<PrepareReplyCommand, bool>
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async ValueTask<bool> Handle(PrepareReplyCommand command, CancellationToken cancellationToken)
    {
        // The decide step's messages are still tracked: a reply to text alone costs no query here.
        var conversation = await references.ConversationAsync(command.ConversationId, cancellationToken);
        if (conversation is null || conversation.ReplyLeaseOwner != command.Owner)
        {
            return false;
        }

        var messages = (await references.MessagesAsync(command.MessageIds, cancellationToken))
            .Where(m => m.AwaitsMedia || (m.AwaitsTranscript && transcriber.IsEnabled))
            .OrderBy(m => m.Timestamp).ThenBy(m => m.Id)
            .ToList();
        if (messages.Count == 0)
        {
            return true;
        }

        var from = await references.SenderAsync(conversation.WhatsAppNumberId, cancellationToken);
        var sttModel = (await references.AgentAsync(command.AgentId, cancellationToken))?.SttModel;
        foreach (var message in messages)
        {
            var retry = message.AwaitsMedia ? await DownloadAsync(from, message, cancellationToken) : null;
            if (retry is null && message.AwaitsTranscript && transcriber.IsEnabled)
            {
                if (!await db.CoverCallAsync(conversation, command.Owner, Now, options.Value.Lease, transcriber.CallTimeout, cancellationToken))
                {
                    return false;
                }

                retry = await TranscribeAsync(message, sttModel, cancellationToken);
            }

            if (!await db.UpdateAsync(conversation, c => c.TryRenewLease(command.Owner, Now, options.Value.Lease), cancellationToken))
            {
                return false;
            }

            if (retry is not null)
            {
                throw retry;
            }
        }

        return true;
    }

    /// <summary>Fetches and keeps the file; returns the deferral to raise after the commit when another try is due.</summary>
    private async Task<ReplyDeferredException?> DownloadAsync(SenderNumber from, Message message, CancellationToken cancellationToken)
    {
        switch (await downloads.FetchAsync(from, message, cancellationToken))
        {
            case MediaOutcome.Stored stored:
                message.RecordMediaStored(stored.Key, stored.SizeBytes, stored.MimeType);
                return null;
            case MediaOutcome.Refused refused:
                LogMediaNotKept(logger, message.Id, refused.Reason);
                message.RecordMediaFailed(refused.Reason, refused.SizeBytes);
                return null;
            case MediaOutcome.Retry retry:
                return message.RecordMediaAttemptFailed(retry.Reason)
                    ? new ReplyDeferredException($"The file of a customer's message could not be fetched now ({retry.Reason}).", retryAfter: retry.RetryAfter)
                    : null;
            default:
                throw new InvalidOperationException("Unknown media outcome.");
        }
    }

    private async Task<ReplyDeferredException?> TranscribeAsync(Message message, string? sttModel, CancellationToken cancellationToken)
    {
        await using var file = await store.OpenReadAsync(message.MediaKey!, cancellationToken);
        if (file is null)
        {
            message.RecordTranscriptFailed("the stored file is missing.");
            return null;
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        var mimeType = message.MimeType ?? "audio/ogg";
        var audio = new SpeechAudio(buffer.ToArray(), mimeType, MediaRules.FileNameFor(message.Type, message.FileName, mimeType, message.Id));
        try
        {
            var transcript = await transcriber.TranscribeAsync(audio, sttModel, cancellationToken);
            if (string.IsNullOrWhiteSpace(transcript))
            {
                message.RecordTranscriptFailed("the speech endpoint returned no words.");
            }
            else
            {
                message.RecordTranscript(transcript);
            }

            return null;
        }
        catch (SpeechException ex) when (ex.IsTransient)
        {
            return message.RecordMediaAttemptFailed(ex.Message)
                ? new ReplyDeferredException($"A voice note could not be transcribed now ({ex.Message}).", ex)
                : null;
        }
        catch (SpeechException ex)
        {
            LogNotTranscribed(logger, message.Id, ex.Message);
            message.RecordTranscriptFailed(ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The file of message {MessageId} is not kept: {Reason}")]
    private static partial void LogMediaNotKept(ILogger logger, Guid messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} could not be transcribed; the agent answers without its words: {Reason}")]
    private static partial void LogNotTranscribed(ILogger logger, Guid messageId, string reason);
}
