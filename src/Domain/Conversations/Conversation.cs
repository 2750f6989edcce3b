namespace CleanAgent.Domain.Conversations;

/// <summary>The exchange between one WhatsApp number and one customer.</summary>
public sealed class Conversation
{
    /// <summary>Meta lets a business answer freely for 24 hours after the customer's last message.</summary>
    public static readonly TimeSpan ServiceWindow = TimeSpan.FromHours(24);

    /// <summary>
    /// The customer key of a number's messages that name no usable sender (no <c>from</c>, no user id, or one too long to
    /// be a key). They are kept there for operators and never answered, since nobody can be addressed.
    /// </summary>
    public const string UnidentifiedCustomerKey = "unidentified";

    public const int MaxCustomerKeyLength = 128;
    public const int MaxWaIdLength = 32;

    private Conversation()
    {
        CustomerKey = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid WhatsAppNumberId { get; private set; }

    /// <summary>The customer's identity for this number: the wa_id when known, else the business-scoped user id.</summary>
    public string CustomerKey { get; private set; }

    public string? CustomerWaId { get; private set; }
    public string? CustomerUserId { get; private set; }
    public string? CustomerName { get; private set; }

    /// <summary>The customer's WhatsApp username (<c>profile.username</c>), for users who hide their number.</summary>
    public string? CustomerUsername { get; private set; }

    /// <summary>The parent business-scoped user id, shared by the businesses of one portfolio.</summary>
    public string? CustomerParentUserId { get; private set; }

    /// <summary>Whether the customer stopped marketing messages (<c>user_preferences</c>); null until they said either way.</summary>
    public bool? MarketingOptOut { get; private set; }

    public DateTime? MarketingPreferenceAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime LastMessageAt { get; private set; }
    public DateTime? LastInboundAt { get; private set; }
    public int InboundCount { get; private set; }
    public int OutboundCount { get; private set; }

    /// <summary>Set when inbound messages wait for an answer; the database, not the job queue, is the record of it.</summary>
    public bool ReplyPending { get; private set; }

    public DateTime? ReplyRequestedAt { get; private set; }
    public string? LastReplyError { get; private set; }

    /// <summary>While set and in the future, one reply job holds the conversation; others leave it alone.</summary>
    public DateTime? ReplyLeaseUntil { get; private set; }

    /// <summary>Which job run holds the lease.</summary>
    public Guid? ReplyLeaseOwner { get; private set; }

    /// <summary>Failed attempts at the pending reply, and when the next may start (backoff).</summary>
    public int ReplyAttempts { get; private set; }

    public DateTime? ReplyRetryAt { get; private set; }

    /// <summary>Bumped on every change, so that two writers cannot both win.</summary>
    public int Version { get; private set; }

    /// <summary>Who answers: the agent, or a person (the agent paused).</summary>
    public ConversationMode Mode { get; private set; }

    public DateTime? ModeChangedAt { get; private set; }

    /// <summary>Who changed the mode: an operator's name, <c>api</c>, <c>customer</c>, <c>agent</c>, <c>business-app</c>, <c>system</c>.</summary>
    public string? ModeChangedBy { get; private set; }

    public string? ModeReason { get; private set; }

    /// <summary>In <see cref="ConversationMode.Human"/> mode: the handoff or the last operator reply; the idle clock starts here.</summary>
    public DateTime? LastOperatorActivityAt { get; private set; }

    /// <summary>Customer messages wait for a person (Human mode, not yet answered by one).</summary>
    public bool WaitingForHuman { get; private set; }

    public const int MaxModeChangedByLength = 256;
    public const int MaxModeReasonLength = 500;

    public static Conversation Start(Guid whatsAppNumberId, string? waId, string? userId, DateTime now)
    {
        var key = KeyFor(waId, userId) ?? throw new ArgumentException("A customer needs a usable wa_id or user id.", nameof(waId));
        return new Conversation
        {
            Id = Guid.CreateVersion7(),
            WhatsAppNumberId = whatsAppNumberId,
            CustomerKey = key,
            CustomerWaId = Usable(waId, MaxWaIdLength),
            CustomerUserId = Usable(userId, MaxCustomerKeyLength),
            CreatedAt = now,
            LastMessageAt = now,
        };
    }

    /// <summary>The one conversation of a number that holds the messages with no usable sender.</summary>
    public static Conversation StartUnidentified(Guid whatsAppNumberId, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            WhatsAppNumberId = whatsAppNumberId,
            CustomerKey = UnidentifiedCustomerKey,
            CreatedAt = now,
            LastMessageAt = now,
        };

    /// <summary>The key a customer is found by: the wa_id when usable, else the user id; null when neither is.</summary>
    public static string? KeyFor(string? waId, string? userId) =>
        Usable(waId, MaxWaIdLength) ?? Usable(userId, MaxCustomerKeyLength);

    public bool IsUnidentified => CustomerKey == UnidentifiedCustomerKey;

    /// <summary>Where Meta sends the answer: the phone number when known, else the business-scoped user id.</summary>
    public string Recipient => CustomerWaId ?? CustomerUserId ?? CustomerKey;

    /// <summary>Counts an inbound message; asks for a reply when the message wants one and the number answers.</summary>
    public void RecordInbound(Message message, string? customerName, string? userId, bool answering, DateTime now)
    {
        if (!string.IsNullOrWhiteSpace(customerName))
        {
            CustomerName = customerName;
        }

        CustomerUserId ??= Usable(userId, MaxCustomerKeyLength);
        InboundCount++;
        LastMessageAt = Max(LastMessageAt, message.Timestamp);
        LastInboundAt = LastInboundAt is null ? message.Timestamp : Max(LastInboundAt.Value, message.Timestamp);
        if (message.NeedsReply && answering && !IsUnidentified)
        {
            RequestReply(now);
        }

        Version++;
    }

    /// <summary>Keeps what Meta's contact block says about the customer beyond the name.</summary>
    public void RecordProfile(string? username, string? parentUserId)
    {
        if (IsUnidentified)
        {
            return;
        }

        CustomerUsername = Usable(username, MaxCustomerKeyLength) ?? CustomerUsername;
        CustomerParentUserId = Usable(parentUserId, MaxCustomerKeyLength) ?? CustomerParentUserId;
    }

    /// <summary>
    /// The customer changed number (new wa_id) or business-scoped user id: the conversation goes on under the new
    /// identity. Returns whether the customer key changed.
    /// </summary>
    public bool ChangeIdentity(string? newWaId, string? newUserId)
    {
        var before = CustomerKey;
        CustomerWaId = Usable(newWaId, MaxWaIdLength) ?? CustomerWaId;
        CustomerUserId = Usable(newUserId, MaxCustomerKeyLength) ?? CustomerUserId;
        CustomerKey = KeyFor(CustomerWaId, CustomerUserId) ?? CustomerKey;
        Version++;
        return CustomerKey != before;
    }

    /// <summary>
    /// Takes over the counts and the pending reply of a newer conversation of the same customer (found under the new
    /// identity after a change); its messages are moved here by the caller.
    /// </summary>
    public void Absorb(Conversation newer)
    {
        InboundCount += newer.InboundCount;
        OutboundCount += newer.OutboundCount;
        LastMessageAt = Max(LastMessageAt, newer.LastMessageAt);
        if (newer.LastInboundAt is { } inbound)
        {
            LastInboundAt = LastInboundAt is null ? inbound : Max(LastInboundAt.Value, inbound);
        }

        CustomerName ??= newer.CustomerName;
        CustomerUsername ??= newer.CustomerUsername;
        CustomerParentUserId ??= newer.CustomerParentUserId;
        if (newer.MarketingPreferenceAt is { } at && (MarketingPreferenceAt is null || at > MarketingPreferenceAt))
        {
            MarketingOptOut = newer.MarketingOptOut;
            MarketingPreferenceAt = at;
        }

        if (newer.ReplyPending)
        {
            RequestReply(newer.ReplyRequestedAt ?? LastMessageAt);
        }

        Version++;
    }

    /// <summary>A marketing opt-out (<c>stop</c>) or resume; an older word never replaces a newer one.</summary>
    public void RecordMarketingPreference(bool optedOut, DateTime at)
    {
        if (MarketingPreferenceAt is { } known && at < known)
        {
            return;
        }

        MarketingOptOut = optedOut;
        MarketingPreferenceAt = at;
        Version++;
    }

    public void RecordOutbound(Message message)
    {
        OutboundCount++;
        LastMessageAt = Max(LastMessageAt, message.Timestamp);
        Version++;
    }

    public void RequestReply(DateTime now)
    {
        if (!ReplyPending)
        {
            ReplyRequestedAt = now;
        }

        ReplyPending = true;
        Version++;
    }

    /// <summary>Ends the pending reply (answered, or given up for the reason in <paramref name="error"/>) and frees the conversation.</summary>
    public void CompleteReply(string? error)
    {
        ReplyPending = false;
        LastReplyError = error;
        ReplyLeaseUntil = null;
        ReplyLeaseOwner = null;
        ReplyAttempts = 0;
        ReplyRetryAt = null;
        Version++;
    }

    /// <summary>True while a job other than <paramref name="owner"/> holds the conversation.</summary>
    public bool IsLeasedByOther(Guid owner, DateTime now) => ReplyLeaseUntil is { } until && until > now && ReplyLeaseOwner != owner;

    public bool HoldsLease(Guid owner, DateTime now) => ReplyLeaseOwner == owner && ReplyLeaseUntil is { } until && until > now;

    /// <summary>A reply run may start: one is owed, no other run holds the conversation, and its backoff has passed.</summary>
    public bool CanBeClaimedBy(Guid owner, DateTime now) =>
        ReplyPending && !IsLeasedByOther(owner, now) && (ReplyRetryAt is null || ReplyRetryAt <= now);

    /// <summary>Takes the conversation for one reply run until <paramref name="now"/> + <paramref name="lease"/>; false when it may not.</summary>
    public bool TryClaimReply(Guid owner, DateTime now, TimeSpan lease)
    {
        if (!CanBeClaimedBy(owner, now))
        {
            return false;
        }

        ClaimReply(owner, now + lease);
        return true;
    }

    /// <summary>
    /// Extends the run's lease. False when the run lost the conversation: another run took it over after the lease ran
    /// out (its owner changed), or the reply was finished or deferred meanwhile.
    /// </summary>
    public bool TryRenewLease(Guid owner, DateTime now, TimeSpan lease)
    {
        if (ReplyLeaseOwner != owner)
        {
            return false;
        }

        ClaimReply(owner, now + lease);
        return true;
    }

    /// <summary>A lease with less than half its length left is renewed before a long wait (the model); a fresher one is not.</summary>
    public bool LeaseRunsLow(DateTime now, TimeSpan lease) => ReplyLeaseUntil is not { } until || until - now < lease / 2;

    /// <summary>Takes (or renews) the conversation for one reply job until <paramref name="until"/>.</summary>
    public void ClaimReply(Guid owner, DateTime until)
    {
        ReplyLeaseOwner = owner;
        ReplyLeaseUntil = until;
        Version++;
    }

    /// <summary>Frees the conversation at once, e.g. at start-up when no other instance can hold it.</summary>
    public void ReleaseLease()
    {
        ReplyLeaseOwner = null;
        ReplyLeaseUntil = null;
        Version++;
    }

    /// <summary>
    /// Records a failed attempt of the run <paramref name="owner"/>: the lease is freed and the next attempt waits for
    /// the backoff (<see cref="ReplyRetryPolicy"/>), or for as long as Meta asked when that is longer. The one retry
    /// clock of a reply; returns when the next attempt is due, or null when another run holds the conversation now.
    /// </summary>
    public DateTime? DeferReply(Guid owner, string error, DateTime now, TimeSpan? retryAfter = null)
    {
        if (ReplyLeaseOwner is not null && ReplyLeaseOwner != owner)
        {
            return null;
        }

        var delay = ReplyRetryPolicy.DelayAfter(ReplyAttempts + 1);
        if (retryAfter > delay)
        {
            delay = retryAfter.Value;
        }

        ReplyLeaseUntil = null;
        ReplyLeaseOwner = null;
        ReplyAttempts++;
        ReplyRetryAt = now + delay;
        LastReplyError = error.Length > 1000 ? error[..1000] : error;
        Version++;
        return ReplyRetryAt;
    }

    /// <summary>
    /// A person takes the conversation over: the agent stays quiet until it is handed back. Any reply run in flight loses
    /// its lease, so it cannot send what the agent was writing. False when a person already had it (the activity clock
    /// still restarts).
    /// </summary>
    public bool HandToHuman(string by, string? reason, DateTime now)
    {
        LastOperatorActivityAt = now;
        Version++;
        if (Mode == ConversationMode.Human)
        {
            return false;
        }

        Mode = ConversationMode.Human;
        SetModeChange(by, reason, now);
        ReplyLeaseOwner = null;
        ReplyLeaseUntil = null;
        return true;
    }

    /// <summary>The agent answers again; what still waits is for the caller to ask a reply for. False when the agent already had it.</summary>
    public bool ResumeAgent(string by, string? reason, DateTime now)
    {
        if (Mode == ConversationMode.Agent)
        {
            return false;
        }

        Mode = ConversationMode.Agent;
        SetModeChange(by, reason, now);
        LastOperatorActivityAt = null;
        WaitingForHuman = false;
        Version++;
        return true;
    }

    /// <summary>
    /// An operator's message joins the outbox: the conversation is the person's now (an operator reply in Agent mode
    /// takes it over), the customer's waiting messages count as answered by them, and the delivery is asked for.
    /// </summary>
    public void RecordOperatorReply(string by, DateTime now)
    {
        HandToHuman(by, "An operator replied.", now);
        WaitingForHuman = false;
        RequestReply(now);
    }

    /// <summary>In Human mode, customer messages that nobody answered yet wait for a person.</summary>
    public void AwaitHuman()
    {
        if (Mode == ConversationMode.Human && !WaitingForHuman)
        {
            WaitingForHuman = true;
            Version++;
        }
    }

    /// <summary>A person had it for <paramref name="idle"/> without doing anything (zero: never goes back by itself).</summary>
    public bool IsIdle(TimeSpan idle, DateTime now) =>
        Mode == ConversationMode.Human && idle > TimeSpan.Zero && (LastOperatorActivityAt ?? ModeChangedAt ?? now) + idle <= now;

    private void SetModeChange(string by, string? reason, DateTime now)
    {
        ModeChangedAt = now;
        ModeChangedBy = Clip(by, MaxModeChangedByLength);
        ModeReason = string.IsNullOrWhiteSpace(reason) ? null : Clip(reason.Trim(), MaxModeReasonLength);
    }

    private static string Clip(string value, int maxLength) => value.Length > maxLength ? value[..maxLength] : value;

    public bool IsWithinServiceWindow(DateTime now) => LastInboundAt is { } last && now - last < ServiceWindow;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static string? Usable(string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) || value.Length > maxLength || value == UnidentifiedCustomerKey ? null : value;
}
