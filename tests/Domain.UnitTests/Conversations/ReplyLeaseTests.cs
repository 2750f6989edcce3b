using CleanAgent.Domain.Conversations;

namespace CleanAgent.Domain.UnitTests.Conversations;

/// <summary>The rules that keep one reply run at a time on a conversation, and the one retry clock.</summary>
public sealed class ReplyLeaseTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private static readonly Guid Run = Guid.NewGuid();
    private static readonly Guid OtherRun = Guid.NewGuid();

    private static Conversation Owed()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "4915112345678", null, Now);
        conversation.RequestReply(Now);
        return conversation;
    }

    [Fact]
    public void Nothing_owed_cannot_be_claimed()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "4915112345678", null, Now);

        Assert.False(conversation.TryClaimReply(Run, Now, Lease));
        Assert.Null(conversation.ReplyLeaseOwner);
    }

    [Fact]
    public void A_held_lease_keeps_other_runs_out_until_it_runs_out()
    {
        var conversation = Owed();
        Assert.True(conversation.TryClaimReply(Run, Now, Lease));

        Assert.False(conversation.TryClaimReply(OtherRun, Now.AddSeconds(59), Lease));
        Assert.True(conversation.HoldsLease(Run, Now.AddSeconds(59)));
        Assert.True(conversation.TryClaimReply(OtherRun, Now.AddSeconds(61), Lease));
        Assert.Equal(OtherRun, conversation.ReplyLeaseOwner);
    }

    [Fact]
    public void A_run_whose_conversation_was_taken_over_cannot_renew()
    {
        var conversation = Owed();
        conversation.TryClaimReply(Run, Now, Lease);
        conversation.TryClaimReply(OtherRun, Now.AddSeconds(61), Lease);

        Assert.False(conversation.TryRenewLease(Run, Now.AddSeconds(62), Lease));
        Assert.Equal(OtherRun, conversation.ReplyLeaseOwner);
    }

    [Fact]
    public void A_run_past_its_lease_that_nobody_took_over_renews()
    {
        var conversation = Owed();
        conversation.TryClaimReply(Run, Now, Lease);

        Assert.True(conversation.TryRenewLease(Run, Now.AddSeconds(90), Lease));
        Assert.Equal(Now.AddSeconds(150), conversation.ReplyLeaseUntil);
    }

    [Fact]
    public void Only_a_lease_under_half_its_length_runs_low()
    {
        var conversation = Owed();
        conversation.TryClaimReply(Run, Now, Lease);

        Assert.False(conversation.LeaseRunsLow(Now.AddSeconds(29), Lease));
        Assert.True(conversation.LeaseRunsLow(Now.AddSeconds(31), Lease));
    }

    [Fact]
    public void A_deferred_reply_waits_for_the_backoff_and_then_can_be_claimed_again()
    {
        var conversation = Owed();
        conversation.TryClaimReply(Run, Now, Lease);

        var retryAt = conversation.DeferReply(Run, "Meta could not take the message now", Now);

        Assert.Equal(Now + ReplyRetryPolicy.DelayAfter(1), retryAt);
        Assert.Null(conversation.ReplyLeaseOwner);
        Assert.Equal(1, conversation.ReplyAttempts);
        Assert.False(conversation.TryClaimReply(OtherRun, retryAt!.Value.AddSeconds(-1), Lease));
        Assert.True(conversation.TryClaimReply(OtherRun, retryAt.Value, Lease));
    }

    [Fact]
    public void Backoff_grows_with_each_failed_attempt_and_levels_off()
    {
        var conversation = Owed();
        var waits = new List<TimeSpan>();
        var at = Now;
        for (var attempt = 0; attempt < 12; attempt++)
        {
            conversation.TryClaimReply(Run, at, Lease);
            var retryAt = conversation.DeferReply(Run, "model down", at)!.Value;
            waits.Add(retryAt - at);
            at = retryAt;
        }

        Assert.Equal(TimeSpan.FromSeconds(5), waits[0]);
        Assert.True(waits.Zip(waits.Skip(1)).All(p => p.Second >= p.First));
        Assert.Equal(TimeSpan.FromMinutes(30), waits[^1]);
    }

    [Fact]
    public void Metas_retry_after_wins_over_a_shorter_backoff()
    {
        var conversation = Owed();
        conversation.TryClaimReply(Run, Now, Lease);

        var retryAt = conversation.DeferReply(Run, "rate limited", Now, TimeSpan.FromSeconds(40));

        Assert.Equal(Now.AddSeconds(40), retryAt);
    }

    [Fact]
    public void A_run_that_lost_the_conversation_cannot_defer_it()
    {
        var conversation = Owed();
        conversation.TryClaimReply(Run, Now, Lease);
        conversation.TryClaimReply(OtherRun, Now.AddSeconds(61), Lease);

        Assert.Null(conversation.DeferReply(Run, "late failure", Now.AddSeconds(62)));
        Assert.Equal(OtherRun, conversation.ReplyLeaseOwner);
        Assert.Equal(0, conversation.ReplyAttempts);
    }

    [Fact]
    public void Completing_frees_the_conversation_and_resets_the_clock()
    {
        var conversation = Owed();
        conversation.TryClaimReply(Run, Now, Lease);
        conversation.DeferReply(Run, "model down", Now);
        conversation.TryClaimReply(Run, Now.AddMinutes(1), Lease);

        conversation.CompleteReply(null);

        Assert.False(conversation.ReplyPending);
        Assert.Null(conversation.ReplyLeaseOwner);
        Assert.Equal(0, conversation.ReplyAttempts);
        Assert.Null(conversation.ReplyRetryAt);
    }
}
