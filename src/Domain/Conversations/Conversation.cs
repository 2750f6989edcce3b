namespace CleanAgent.Domain.Conversations;

/// <summary>The exchange between one WhatsApp number and one customer.</summary>
public sealed class Conversation
{
    /// <summary>Meta lets a business answer freely for 24 hours after the customer's last message.</summary>
    public static readonly TimeSpan ServiceWindow = TimeSpan.FromHours(24);

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

    public static Conversation Start(Guid whatsAppNumberId, string? waId, string? userId, DateTime now)
    {
        var key = waId ?? userId ?? throw new ArgumentException("A customer needs a wa_id or a user id.", nameof(waId));
        return new Conversation
        {
            Id = Guid.CreateVersion7(),
            WhatsAppNumberId = whatsAppNumberId,
            CustomerKey = key,
            CustomerWaId = waId,
            CustomerUserId = userId,
            CreatedAt = now,
            LastMessageAt = now,
        };
    }

    /// <summary>Where Meta sends the answer: the phone number when known, else the business-scoped user id.</summary>
    public string Recipient => CustomerWaId ?? CustomerUserId ?? CustomerKey;

    /// <summary>Counts an inbound message; asks for a reply when the message wants one and the number answers.</summary>
    public void RecordInbound(Message message, string? customerName, string? userId, bool answering, DateTime now)
    {
        if (!string.IsNullOrWhiteSpace(customerName))
        {
            CustomerName = customerName;
        }

        CustomerUserId ??= userId;
        InboundCount++;
        LastMessageAt = Max(LastMessageAt, message.Timestamp);
        LastInboundAt = LastInboundAt is null ? message.Timestamp : Max(LastInboundAt.Value, message.Timestamp);
        if (message.NeedsReply && answering)
        {
            RequestReply(now);
        }

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

    public bool IsWithinServiceWindow(DateTime now) => LastInboundAt is { } last && now - last < ServiceWindow;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
