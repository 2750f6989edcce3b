using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Media;
using CleanAgent.Application.Speech;
using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Conversations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.RenderReply;

/// <summary>
/// The render step: turns the agent's answer into outbox messages. Text parts of at most 4096 characters; or, when the
/// agent answers in voice (<see cref="Agent.VoiceReplies"/>), voice notes: Ogg Opus files of at most
/// <see cref="MaxVoiceNoteBytes"/> (WhatsApp's limit for the play button), split at sentence boundaries, kept in the
/// media store like inbound files. When speech fails or the answer is too long to speak, the text goes out instead and
/// the reason is kept on the message. Before each speech call the run's lease is made to cover the speech time-out, so a
/// slow speech endpoint never lets another run answer the same messages.
/// </summary>
internal sealed partial class ReplyRenderer(
    IApplicationDbContext db, ISpeechSynthesizer speech, IMediaStore media, IOptions<ReplyOptions> options, TimeProvider time, ILogger<ReplyRenderer> logger)
{
    /// <summary>WhatsApp shows a voice note's play button only up to this size.</summary>
    public const int MaxVoiceNoteBytes = 512 * 1024;

    /// <summary>About a minute and a half of speech: far below 512 KB at a voice bitrate.</summary>
    public const int MaxCharactersPerNote = 1200;

    /// <summary>A longer answer is sent as text: nobody listens to five voice notes in a row.</summary>
    public const int MaxVoiceNotes = 3;

    /// <summary>The outbox messages of <paramref name="answer"/>; null when another run took the conversation over meanwhile.</summary>
    public async Task<List<Message>?> RenderAsync(
        Conversation conversation, Guid owner, Agent agent, bool customerSpoke, string answer, string? replyTo, DateTime now, CancellationToken cancellationToken)
    {
        if (!agent.AnswersInVoice(customerSpoke))
        {
            return Text(conversation, answer, replyTo, now, reason: null);
        }

        if (!speech.IsEnabled)
        {
            return Text(conversation, answer, replyTo, now, "no speech endpoint is configured (Speech:Provider is None).");
        }

        try
        {
            var (notes, held) = await SpeakAsync(conversation, owner, answer, new SpeechVoice(agent.TtsModel, agent.TtsVoice), cancellationToken);
            if (!held)
            {
                return null;
            }

            if (notes is null)
            {
                return Text(conversation, answer, replyTo, now, $"the answer is too long for {MaxVoiceNotes} voice notes.");
            }

            var messages = new List<Message>(notes.Count);
            foreach (var (text, audio) in notes)
            {
                var key = await media.SaveAsync(audio, cancellationToken);
                messages.Add(Message.OutboundVoiceNote(conversation, text, key, audio.Length, "audio/ogg", messages.Count == 0 ? replyTo : null, Nth(now, messages.Count)));
            }

            return messages;
        }
        catch (SpeechException ex)
        {
            LogSpeechFailed(logger, conversation.Id, ex.Message);
            return Text(conversation, answer, replyTo, now, "speech failed: " + ex.Message);
        }
    }

    /// <summary>
    /// The answer as voice notes, each within the size limit; null when it takes more than <see cref="MaxVoiceNotes"/>.
    /// Held is false when the run lost the conversation before a speech call.
    /// </summary>
    private async Task<(List<(string Text, ReadOnlyMemory<byte> Audio)>? Notes, bool Held)> SpeakAsync(
        Conversation conversation, Guid owner, string answer, SpeechVoice voice, CancellationToken cancellationToken)
    {
        var notes = new List<(string, ReadOnlyMemory<byte>)>();
        var pending = new Stack<string>(MessageSplitter.Split(answer, MaxCharactersPerNote).Reverse());
        while (pending.TryPop(out var text))
        {
            if (notes.Count + pending.Count + 1 > MaxVoiceNotes)
            {
                return (null, true);
            }

            if (!await db.CoverCallAsync(conversation, owner, time.GetUtcNow().UtcDateTime, options.Value.Lease, speech.CallTimeout, cancellationToken))
            {
                return (null, false);
            }

            var audio = await speech.SynthesizeAsync(text, voice, SpeechAudioFormat.Opus, cancellationToken);
            if (audio.Format != SpeechAudioFormat.Opus)
            {
                throw new SpeechException($"The speech endpoint answered {audio.MediaType}, not Ogg Opus.", isTransient: false);
            }

            if (audio.Bytes.Length <= MaxVoiceNoteBytes)
            {
                notes.Add((text, audio.Bytes));
                continue;
            }

            // Too big for the play button (a slow voice, a high bitrate): say it in two halves, cut at a sentence.
            var halves = MessageSplitter.Split(text, (text.Length / 2) + 1);
            if (halves.Count < 2)
            {
                return (null, true);
            }

            foreach (var half in halves.Reverse())
            {
                pending.Push(half);
            }
        }

        return (notes, true);
    }

    private static List<Message> Text(Conversation conversation, string answer, string? replyTo, DateTime now, string? reason) =>
        MessageSplitter.Split(answer)
            .Select((part, i) => reason is null
                ? Message.OutboundText(conversation, part, i == 0 ? replyTo : null, Nth(now, i))
                : Message.OutboundTextInsteadOfVoice(conversation, part, reason, i == 0 ? replyTo : null, Nth(now, i)))
            .ToList();

    /// <summary>
    /// The parts of one answer are a microsecond apart, so the outbox (and the history) keep their order: ids made in
    /// the same millisecond are not ordered.
    /// </summary>
    private static DateTime Nth(DateTime now, int part) => now.AddTicks(part * TimeSpan.TicksPerMicrosecond);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer in conversation {ConversationId} goes out as text: speech failed ({Reason})")]
    private static partial void LogSpeechFailed(ILogger logger, Guid conversationId, string reason);
}
