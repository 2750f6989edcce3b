namespace CleanAgent.Domain.Conversations;

/// <summary>One WhatsApp message in a conversation, in either direction.</summary>
public sealed class Message
{
    public const int MaxTextLength = 4096;

    /// <summary>The longest wamid (or call id) stored; a message whose own id is longer is skipped.</summary>
    public const int MaxWhatsAppMessageIdLength = 256;

    /// <summary><see cref="SentBy"/> of the agent's answers.</summary>
    public const string SentByAgent = "agent";

    /// <summary><see cref="SentBy"/> of what the business typed in the WhatsApp Business app (coexistence echoes, history).</summary>
    public const string SentByBusinessApp = "business-app";

    /// <summary><see cref="SentBy"/> of what an integration sent through the admin API.</summary>
    public const string SentByApi = "api";

    public const string CallType = "call";
    public const string TemplateType = "template";
    public const int MaxSentByLength = 256;
    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>One spoken turn of a call (the caller's transcript or what the agent said), kept as text in the history.</summary>
    public const string CallTurnType = "call_turn";

    private Message()
    {
        Type = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid ConversationId { get; private set; }
    public Guid WhatsAppNumberId { get; private set; }
    public MessageDirection Direction { get; private set; }

    /// <summary>Meta's id (wamid); unique per number. Empty on an outbound message until Meta accepts it.</summary>
    public string? WhatsAppMessageId { get; private set; }

    public string Type { get; private set; }
    public string? Text { get; private set; }
    public MessageStatus Status { get; private set; }

    /// <summary>When the message was sent, by Meta's clock for inbound ones.</summary>
    public DateTime Timestamp { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime? StatusAt { get; private set; }
    public string? MediaId { get; private set; }
    public string? MimeType { get; private set; }
    public string? Sha256 { get; private set; }
    public string? Caption { get; private set; }
    public string? FileName { get; private set; }
    public bool IsVoice { get; private set; }
    public string? ContextMessageId { get; private set; }
    public bool IsForwarded { get; private set; }
    public string? ErrorCode { get; private set; }
    public string? ErrorTitle { get; private set; }
    public string? RawJson { get; private set; }

    /// <summary>For inbound messages that need an answer: when the answer went out (or was given up).</summary>
    public bool NeedsReply { get; private set; }

    public DateTime? AnsweredAt { get; private set; }

    /// <summary>Who sent an outbound message: <see cref="SentByAgent"/>, <see cref="SentByBusinessApp"/>; null for inbound ones.</summary>
    public string? SentBy { get; private set; }

    /// <summary>When the customer last edited the message; <see cref="OriginalText"/> keeps what it first said.</summary>
    public DateTime? EditedAt { get; private set; }

    public string? OriginalText { get; private set; }

    /// <summary>When the customer deleted the message for everyone.</summary>
    public DateTime? RevokedAt { get; private set; }

    /// <summary>For <c>call</c> messages: Meta's last word on the call (ringing, accepted, rejected, completed, failed).</summary>
    public string? CallStatus { get; private set; }

    public int? CallDurationSeconds { get; private set; }

    /// <summary>The client's <c>Idempotency-Key</c> of the request that sent it: a retried request finds this message again.</summary>
    public string? IdempotencyKey { get; private set; }

    /// <summary>For template messages: which template, in which language, with which values.</summary>
    public MessageTemplate? Template { get; private set; }

    /// <summary>For image, audio, video, document and sticker messages: whether the file is kept in the media store.</summary>
    public MediaStatus MediaStatus { get; private set; }

    /// <summary>The media store's key of the kept file (its sha256 in hex: files are stored by content).</summary>
    public string? MediaKey { get; private set; }

    public long? MediaSizeBytes { get; private set; }

    /// <summary>Why the file was not kept, or why its transcript could not be made.</summary>
    public string? MediaError { get; private set; }

    /// <summary>Where Meta said the file can be fetched, for media sent by url only (no media id).</summary>
    public string? MediaUrl { get; private set; }

    /// <summary>Failed tries to fetch or transcribe the file that may succeed later; they end at <see cref="MaxMediaAttempts"/>.</summary>
    public int MediaAttempts { get; private set; }

    /// <summary>The words of a voice note or audio, as transcribed; for an outbound voice note, the text it speaks.</summary>
    public string? Transcript { get; private set; }

    /// <summary>When an outbound file was uploaded to Meta (its media id is <see cref="MediaId"/>), so a retried send reuses it.</summary>
    public DateTime? MediaUploadedAt { get; private set; }

    /// <summary>Meta keeps an uploaded file 30 days; a day less leaves room for a send on the last one.</summary>
    public static readonly TimeSpan UploadUsableFor = TimeSpan.FromDays(29);

    public const int MaxMediaAttempts = 5;
    public const int MaxTranscriptLength = 8000;
    public const int MaxMediaErrorLength = 1000;
    public const int MaxMediaUrlLength = 2048;

    private static readonly HashSet<string> MediaTypes = new(StringComparer.Ordinal) { "image", "audio", "voice", "video", "document", "sticker" };

    public static bool IsMediaType(string type) => MediaTypes.Contains(type);

    public bool IsAudio => Type is "audio" or "voice";

    /// <summary>An inbound file still to be fetched.</summary>
    public bool AwaitsMedia => Direction == MessageDirection.Inbound && MediaStatus == MediaStatus.Pending;

    /// <summary>An inbound voice note or audio kept but not yet transcribed (nor given up).</summary>
    public bool AwaitsTranscript =>
        Direction == MessageDirection.Inbound && IsAudio && MediaStatus == MediaStatus.Stored && Transcript is null && MediaError is null;

    public static Message Inbound(Conversation conversation, string wamid, InboundContent content, DateTime timestamp, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversation.Id,
            WhatsAppNumberId = conversation.WhatsAppNumberId,
            Direction = MessageDirection.Inbound,
            WhatsAppMessageId = wamid,
            Type = content.Type,
            Text = content.Text,
            Status = MessageStatus.Received,
            Timestamp = timestamp,
            CreatedAt = now,
            MediaId = content.MediaId,
            MimeType = content.MimeType,
            Sha256 = content.Sha256,
            Caption = content.Caption,
            FileName = content.FileName,
            IsVoice = content.IsVoice,
            ContextMessageId = content.ContextMessageId,
            IsForwarded = content.IsForwarded,
            ErrorCode = content.ErrorCode,
            ErrorTitle = content.ErrorTitle,
            RawJson = content.RawJson,
            NeedsReply = content.NeedsReply,
            MediaUrl = content.MediaUrl is { Length: <= MaxMediaUrlLength } url ? url : null,
            MediaStatus = IsMediaType(content.Type) && (content.MediaId is not null || content.MediaUrl is not null)
                ? MediaStatus.Pending
                : MediaStatus.None,
        };

    public static Message OutboundText(Conversation conversation, string text, string? replyTo, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversation.Id,
            WhatsAppNumberId = conversation.WhatsAppNumberId,
            Direction = MessageDirection.Outbound,
            Type = "text",
            Text = text,
            Status = MessageStatus.Pending,
            Timestamp = now,
            CreatedAt = now,
            ContextMessageId = replyTo,
            SentBy = SentByAgent,
        };

    /// <summary>
    /// The agent's answer spoken: a voice note whose file (Ogg Opus) is kept under <paramref name="mediaKey"/>, waiting in
    /// the outbox. The spoken text is its transcript.
    /// </summary>
    public static Message OutboundVoiceNote(Conversation conversation, string spokenText, string mediaKey, long sizeBytes, string mimeType, string? replyTo, DateTime now)
    {
        var message = OutboundText(conversation, string.Empty, replyTo, now);
        message.Type = "audio";
        message.Text = null;
        message.IsVoice = true;
        message.Transcript = Clip(spokenText, MaxTranscriptLength);
        message.RecordMediaStored(mediaKey, sizeBytes, mimeType);
        return message;
    }

    /// <summary>An outbound voice note that goes out as text: an agent's answer whose speech failed, with the reason.</summary>
    public static Message OutboundTextInsteadOfVoice(Conversation conversation, string text, string reason, string? replyTo, DateTime now)
    {
        var message = OutboundText(conversation, text, replyTo, now);
        message.MediaStatus = MediaStatus.Failed;
        message.MediaError = Clip("Sent as text, not as a voice note: " + reason, MaxMediaErrorLength);
        return message;
    }

    /// <summary>An outbound voice note with a file to send.</summary>
    public bool IsOutboundVoiceNote => Direction == MessageDirection.Outbound && IsVoice && MediaKey is not null;

    /// <summary>The voice note cannot go out (its file is gone): it goes out as text, with the reason.</summary>
    public void FallBackToText(string reason)
    {
        if (!IsOutboundVoiceNote)
        {
            return;
        }

        Type = "text";
        Text = Transcript;
        Transcript = null;
        IsVoice = false;
        RecordMediaFailed("Sent as text, not as a voice note: " + reason);
    }

    /// <summary>A person's text (an operator, or an integration through the API), waiting in the outbox.</summary>
    public static Message OperatorText(Conversation conversation, string text, string sentBy, string? idempotencyKey, DateTime now)
    {
        var message = OutboundText(conversation, text, null, now);
        message.SentBy = sentBy.Length > MaxSentByLength ? sentBy[..MaxSentByLength] : sentBy;
        message.IdempotencyKey = idempotencyKey;
        return message;
    }

    /// <summary>
    /// A person's file (an image, audio, a video or a document, of <paramref name="type"/>) kept under
    /// <paramref name="mediaKey"/>, waiting in the outbox; the caption is what the thread shows of it.
    /// </summary>
    public static Message OperatorMedia(
        Conversation conversation, string type, string mediaKey, long sizeBytes, string mimeType, string? fileName, string? caption, string sentBy, string? idempotencyKey, DateTime now)
    {
        var message = OperatorText(conversation, string.Empty, sentBy, idempotencyKey, now);
        message.Type = type;
        message.Text = string.IsNullOrWhiteSpace(caption) ? null : caption.Trim();
        message.Caption = message.Text;
        message.FileName = string.IsNullOrWhiteSpace(fileName) ? null : Clip(fileName.Trim(), 256);
        message.RecordMediaStored(mediaKey, sizeBytes, mimeType);
        return message;
    }

    /// <summary>An outbound file waiting to be uploaded and sent: an operator's, or a voice note.</summary>
    public bool IsOutboundMedia => Direction == MessageDirection.Outbound && IsMediaType(Type) && MediaKey is not null;

    /// <summary>An approved template waiting in the outbox; <paramref name="preview"/> is what the thread shows of it.</summary>
    public static Message OutboundTemplate(Conversation conversation, MessageTemplate template, string preview, string sentBy, string? idempotencyKey, DateTime now)
    {
        var message = OperatorText(conversation, preview, sentBy, idempotencyKey, now);
        message.Type = TemplateType;
        message.Template = template;
        return message;
    }

    /// <summary>
    /// A person took the conversation over before the agent's answer went out: it is not sent, and stays in the history
    /// as Discarded. False for anything but the agent's unsent answers.
    /// </summary>
    public bool CancelForHandoff(DateTime now)
    {
        if (!AwaitsDelivery || SentBy != SentByAgent)
        {
            return false;
        }

        Status = MessageStatus.Discarded;
        ErrorCode = "handoff";
        ErrorTitle = "Not sent: a person took the conversation over.";
        StatusAt = now;
        return true;
    }

    /// <summary>A message the business typed in the WhatsApp Business app, echoed by Meta: already sent, never answered.</summary>
    public static Message Echo(Conversation conversation, string wamid, InboundContent content, DateTime timestamp, DateTime now) =>
        Outbound(conversation, wamid, content, MessageStatus.Sent, timestamp, now);

    /// <summary>A past message from the coexistence history sync: stored as it was, never answered.</summary>
    public static Message Imported(
        Conversation conversation, string wamid, InboundContent content, bool fromCustomer, MessageStatus? status, DateTime timestamp, DateTime now)
    {
        if (!fromCustomer)
        {
            return Outbound(conversation, wamid, content, status ?? MessageStatus.Sent, timestamp, now);
        }

        var message = Inbound(conversation, wamid, content, timestamp, now);
        message.NeedsReply = false;
        return message;
    }

    /// <summary>A call (Meta's wacid as its id), shown in the history; opens the service window when the customer called.</summary>
    public static Message Call(Conversation conversation, string callId, bool customerCalled, DateTime timestamp, string rawJson, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversation.Id,
            WhatsAppNumberId = conversation.WhatsAppNumberId,
            Direction = customerCalled ? MessageDirection.Inbound : MessageDirection.Outbound,
            WhatsAppMessageId = callId,
            Type = CallType,
            Status = customerCalled ? MessageStatus.Received : MessageStatus.Sent,
            Timestamp = timestamp,
            CreatedAt = now,
            RawJson = rawJson,
        };

    /// <summary>
    /// A turn spoken on a call: the caller's transcript (inbound, never answered by the chat reply path) or the agent's
    /// words (outbound, already heard: never put in the outbox).
    /// </summary>
    public static Message CallTurn(Conversation conversation, bool fromCustomer, string text, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversation.Id,
            WhatsAppNumberId = conversation.WhatsAppNumberId,
            Direction = fromCustomer ? MessageDirection.Inbound : MessageDirection.Outbound,
            Type = CallTurnType,
            Text = text.Length > MaxTextLength ? text[..MaxTextLength] : text,
            Status = fromCustomer ? MessageStatus.Received : MessageStatus.Sent,
            StatusAt = now,
            Timestamp = now,
            CreatedAt = now,
            SentBy = fromCustomer ? null : SentByAgent,
        };

    private static Message Outbound(Conversation conversation, string wamid, InboundContent content, MessageStatus status, DateTime timestamp, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            ConversationId = conversation.Id,
            WhatsAppNumberId = conversation.WhatsAppNumberId,
            Direction = MessageDirection.Outbound,
            WhatsAppMessageId = wamid,
            Type = content.Type,
            Text = content.Text,
            Status = status,
            StatusAt = timestamp,
            Timestamp = timestamp,
            CreatedAt = now,
            MediaId = content.MediaId,
            MimeType = content.MimeType,
            Sha256 = content.Sha256,
            Caption = content.Caption,
            FileName = content.FileName,
            IsVoice = content.IsVoice,
            ContextMessageId = content.ContextMessageId,
            IsForwarded = content.IsForwarded,
            RawJson = content.RawJson,
            SentBy = SentByBusinessApp,
        };

    /// <summary>The customer edited the message: it shows the new text, and the first text is kept.</summary>
    public void ApplyEdit(string? newText, DateTime at)
    {
        if (EditedAt is { } last && at < last)
        {
            return;
        }

        OriginalText ??= Text ?? string.Empty;
        Text = newText;
        if (Caption is not null)
        {
            Caption = newText;
        }

        EditedAt = at;
    }

    /// <summary>The customer deleted the message for everyone; it stays in the history, marked.</summary>
    public void Revoke(DateTime at) => RevokedAt ??= at;

    /// <summary>
    /// Applies one call event. A final word (completed, failed, rejected) is not replaced by a late ringing or accepted;
    /// the raw JSON of the connect event (with its SDP offer) is kept.
    /// </summary>
    public void ApplyCallEvent(string? status, int? durationSeconds, string? connectRawJson)
    {
        if (status is not null && CallRank(status) >= CallRank(CallStatus))
        {
            CallStatus = status.Length > 32 ? status[..32] : status;
        }

        CallDurationSeconds = durationSeconds ?? CallDurationSeconds;
        if (connectRawJson is not null)
        {
            RawJson = connectRawJson;
        }
    }

    /// <summary>The call's outcome when the service stopped or crashed while it was live.</summary>
    public const string CallInterrupted = "interrupted";

    /// <summary>Why an <see cref="CallInterrupted"/> call ended, as its error.</summary>
    public const string CallCutOff = "the call was cut off: the service stopped while it was live";

    /// <summary>Why a call left ringing (or pre-accepted) by a lost process was refused, as its error.</summary>
    public const string CallNotAnswered = "the call was not answered: the service stopped before it picked up";

    /// <summary>Meta's word for a call the customer placed that nobody answered yet.</summary>
    public const string CallRinging = "ringing";

    /// <summary>Our media connection to Meta is set up (<c>pre_accept</c>), the call not yet accepted.</summary>
    public const string CallPreAccepted = "pre_accepted";

    public const string CallAccepted = "accepted";

    /// <summary>
    /// Takes a ringing call for this process to answer: its lease (<see cref="StatusAt"/>) starts now. False when the call
    /// is not a ringing customer call nobody took yet (another process or an earlier delivery took it, or it ended).
    /// </summary>
    public bool TryClaimCall(DateTime now)
    {
        if (!IsCustomerCall || CallStatus is not (null or CallRinging) || StatusAt is not null)
        {
            return false;
        }

        StatusAt = now;
        return true;
    }

    /// <summary>Meta took our answer's media connection (<c>pre_accept</c>); the caller still hears it ring. False when the call is no longer ours to answer.</summary>
    public bool TryRecordCallPreAccepted(DateTime now)
    {
        if (!IsOpenCall || CallStatus == CallAccepted)
        {
            return false;
        }

        CallStatus = CallPreAccepted;
        StatusAt = now;
        return true;
    }

    /// <summary>
    /// We answered the call and it is live in this process. For a live call, <see cref="StatusAt"/> is its lease: the
    /// process holding it renews it (<see cref="RenewCallLease"/>); a call whose lease ran out was lost with its process.
    /// False when the call already ended.
    /// </summary>
    public bool RecordCallAnswered(DateTime now)
    {
        if (!IsOpenCall)
        {
            return false;
        }

        ApplyCallEvent(CallAccepted, durationSeconds: null, connectRawJson: null);
        StatusAt = now;
        return true;
    }

    /// <summary>The process answering or holding the call is alive: its lease starts again.</summary>
    public void RenewCallLease(DateTime now)
    {
        if (IsOpenCall && StatusAt is not null)
        {
            StatusAt = now;
        }
    }

    private bool IsCustomerCall => Type == CallType && Direction == MessageDirection.Inbound;

    /// <summary>Answered by us and not ended yet, as far as the database knows.</summary>
    public bool IsLiveCall => IsCustomerCall && CallStatus == CallAccepted;

    /// <summary>A customer call not ended yet: ringing (taken by a process or not), pre-accepted or live.</summary>
    public bool IsOpenCall => IsCustomerCall && CallStatus is (null or CallRinging or CallPreAccepted or CallAccepted);

    /// <summary>
    /// An open call whose lease ran out before <paramref name="expiredBefore"/>: its process stopped renewing it, or,
    /// for a call no process took, it was stored before then and nobody picked it up.
    /// </summary>
    public bool IsLostCall(DateTime expiredBefore) => IsOpenCall && (StatusAt ?? CreatedAt) < expiredBefore;

    /// <summary>
    /// Ends a call lost with its process: a live one as <see cref="CallInterrupted"/> (see <see cref="InterruptCall"/>), one
    /// still ringing or pre-accepted as <c>rejected</c> with <see cref="CallNotAnswered"/>. Answers how Meta must be told:
    /// a call whose media was set up (pre-accepted or live) is terminated, one that only rang is rejected.
    /// </summary>
    public LostCallAction EndLostCall(DateTime? lastTurnAt)
    {
        if (CallStatus == CallAccepted)
        {
            InterruptCall(lastTurnAt, CallCutOff);
            return LostCallAction.Terminate;
        }

        var preAccepted = CallStatus == CallPreAccepted;
        RecordCallEnd("rejected", durationSeconds: null, CallNotAnswered);
        return preAccepted ? LostCallAction.Terminate : LostCallAction.Reject;
    }

    /// <summary>
    /// A call lost with its process (a restart or crash): ended as <see cref="CallInterrupted"/>, lasting until the last
    /// turn known to have been spoken on it (none: zero).
    /// </summary>
    public void InterruptCall(DateTime? lastTurnAt, string reason)
    {
        var answeredAt = Timestamp;
        var seconds = lastTurnAt is { } last && last > answeredAt ? (int)(last - answeredAt).TotalSeconds : 0;
        RecordCallEnd(CallInterrupted, seconds, reason);
    }

    /// <summary>
    /// Our side ended the call (<c>completed</c>, <c>rejected</c>, <c>failed</c>, <c>interrupted</c>): its outcome and length,
    /// and why, when it was refused or cut short (shown as the message's error).
    /// </summary>
    public void RecordCallEnd(string outcome, int? durationSeconds, string? reason)
    {
        ApplyCallEvent(outcome, durationSeconds, connectRawJson: null);
        if (!string.IsNullOrWhiteSpace(reason))
        {
            ErrorTitle = Clip(reason, 1000);
        }
    }

    private static int CallRank(string? status) => status switch
    {
        null => 0,
        CallRinging => 1,
        CallPreAccepted => 2,
        CallAccepted => 3,
        _ => 4,
    };

    public void MarkSent(string wamid, DateTime now)
    {
        WhatsAppMessageId = wamid;
        if (Status.Rank() < MessageStatus.Sent.Rank())
        {
            Status = MessageStatus.Sent;
            StatusAt = now;
        }
    }

    public void MarkFailed(string? code, string? title, DateTime now)
    {
        Status = MessageStatus.Failed;
        ErrorCode = code;
        ErrorTitle = title;
        StatusAt = now;
    }

    /// <summary>
    /// Applies a delivery status from Meta. Statuses only move forward: a late "delivered" never
    /// replaces "read". Returns whether anything changed.
    /// </summary>
    public bool ApplyStatus(MessageStatus status, DateTime at, string? errorCode, string? errorTitle)
    {
        if (Direction == MessageDirection.Inbound || status is MessageStatus.Received or MessageStatus.Pending)
        {
            return false;
        }

        if (status == MessageStatus.Failed)
        {
            if (Status.Rank() >= MessageStatus.Read.Rank() || Status == MessageStatus.Failed)
            {
                return false;
            }

            MarkFailed(errorCode, errorTitle, at);
            return true;
        }

        if (status.Rank() <= Status.Rank() && Status != MessageStatus.Failed)
        {
            return false;
        }

        if (Status == MessageStatus.Failed && status.Rank() < MessageStatus.Read.Rank())
        {
            return false;
        }

        Status = status;
        StatusAt = at;
        return true;
    }

    public void MarkAnswered(DateTime now) => AnsweredAt ??= now;

    /// <summary>An outbound message in the outbox: committed, not yet accepted by Meta.</summary>
    public bool AwaitsDelivery => Direction == MessageDirection.Outbound && Status == MessageStatus.Pending;

    /// <summary>Failed for good before Meta accepted it: an operator may send it again or discard it.</summary>
    public bool IsUndelivered => Direction == MessageDirection.Outbound && Status == MessageStatus.Failed && WhatsAppMessageId is null;

    /// <summary>Puts an undelivered message back in the outbox; false when it was delivered, pending or has nothing to send.</summary>
    public bool TryRequeue(DateTime now)
    {
        if (!IsUndelivered || (string.IsNullOrEmpty(Text) && !IsOutboundMedia))
        {
            return false;
        }

        Status = MessageStatus.Pending;
        ErrorCode = null;
        ErrorTitle = null;
        StatusAt = now;
        return true;
    }

    /// <summary>Gives an undelivered message up for good; false when there is nothing to give up.</summary>
    public bool TryDiscard(DateTime now)
    {
        if (!IsUndelivered)
        {
            return false;
        }

        Status = MessageStatus.Discarded;
        StatusAt = now;
        return true;
    }

    /// <summary>The file was fetched, checked and kept under <paramref name="key"/>.</summary>
    public void RecordMediaStored(string key, long sizeBytes, string? mimeType)
    {
        MediaStatus = MediaStatus.Stored;
        MediaKey = key;
        MediaSizeBytes = sizeBytes;
        MimeType = string.IsNullOrWhiteSpace(mimeType) ? MimeType : Clip(mimeType, 256);
        MediaError = null;
        MediaAttempts = 0;
    }

    /// <summary>An outbound file was uploaded to Meta as <paramref name="mediaId"/>: a retry of the send reuses it.</summary>
    public void RecordUpload(string mediaId, DateTime now)
    {
        if (Direction != MessageDirection.Outbound)
        {
            throw new InvalidOperationException("Only an outbound file is uploaded.");
        }

        MediaId = mediaId;
        MediaUploadedAt = now;
    }

    /// <summary>Meta's media id of this outbound file while Meta still keeps it; null when it must be uploaded (again).</summary>
    public string? UploadedMediaId(DateTime now) =>
        Direction == MessageDirection.Outbound && MediaId is not null && MediaUploadedAt is { } at && now - at < UploadUsableFor ? MediaId : null;

    /// <summary>The file will not be kept (unknown or expired id, checksum mismatch, too large, a type Meta does not allow).</summary>
    public void RecordMediaFailed(string reason, long? sizeBytes = null)
    {
        MediaStatus = MediaStatus.Failed;
        MediaKey = null;
        MediaSizeBytes = sizeBytes ?? MediaSizeBytes;
        MediaError = Clip(reason, MaxMediaErrorLength);
    }

    /// <summary>
    /// A try at the file or its transcript failed in a way that may pass. Returns true while another try is worth it;
    /// after <see cref="MaxMediaAttempts"/> the file (or transcript) is given up with the reason, and the agent answers without it.
    /// </summary>
    public bool RecordMediaAttemptFailed(string reason)
    {
        MediaAttempts++;
        if (MediaAttempts < MaxMediaAttempts)
        {
            return true;
        }

        if (MediaStatus == MediaStatus.Pending)
        {
            RecordMediaFailed($"Given up after {MediaAttempts} tries: {reason}");
        }
        else
        {
            RecordTranscriptFailed($"Given up after {MediaAttempts} tries: {reason}");
        }

        return false;
    }

    public void RecordTranscript(string transcript)
    {
        Transcript = Clip(transcript.Trim(), MaxTranscriptLength);
        MediaAttempts = 0;
    }

    /// <summary>The voice note is kept, but could not be turned into text: the agent answers without its words.</summary>
    public void RecordTranscriptFailed(string reason) => MediaError = Clip("Transcription failed: " + reason, MaxMediaErrorLength);

    /// <summary>Retention removed the file; the message stays.</summary>
    public void ForgetMedia(string reason)
    {
        if (MediaStatus == MediaStatus.Stored)
        {
            RecordMediaFailed(reason);
        }
    }

    private static string Clip(string value, int max) => value.Length > max ? value[..max] : value;

    /// <summary>Moves the message into the conversation that absorbed its own (a customer's identity change merged them).</summary>
    public void MoveTo(Conversation conversation) => ConversationId = conversation.Id;
}
