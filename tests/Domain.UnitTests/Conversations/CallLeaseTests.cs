using CleanAgent.Domain.Conversations;

namespace CleanAgent.Domain.UnitTests.Conversations;

public sealed class CallLeaseTests
{
    private static readonly DateTime CalledAt = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    private static Message AnsweredCall()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "16315551190", null, CalledAt);
        var call = Message.Call(conversation, "wacid.1", customerCalled: true, CalledAt, "{}", CalledAt);
        call.RecordCallAnswered(CalledAt.AddSeconds(1));
        return call;
    }

    [Fact]
    public void A_live_call_is_lost_only_when_its_lease_was_not_renewed_in_time()
    {
        var call = AnsweredCall();
        Assert.True(call.IsLiveCall);
        Assert.False(call.IsLostCall(CalledAt));

        call.RenewCallLease(CalledAt.AddSeconds(40));

        Assert.False(call.IsLostCall(CalledAt.AddSeconds(40)));
        Assert.True(call.IsLostCall(CalledAt.AddSeconds(41)));
    }

    [Fact]
    public void A_lost_call_ends_interrupted_lasting_to_its_last_turn_and_is_no_longer_live()
    {
        var call = AnsweredCall();

        call.InterruptCall(CalledAt.AddSeconds(14.6), Message.CallCutOff);

        Assert.Equal((Message.CallInterrupted, 14, Message.CallCutOff), (call.CallStatus, call.CallDurationSeconds, call.ErrorTitle));
        Assert.False(call.IsLiveCall);
        Assert.False(call.IsLostCall(CalledAt.AddHours(1)));
        call.RenewCallLease(CalledAt.AddHours(1));
        Assert.Equal(CalledAt.AddSeconds(1), call.StatusAt);
    }

    [Fact]
    public void A_lost_call_without_turns_lasted_zero_seconds_and_Metas_later_word_still_counts()
    {
        var call = AnsweredCall();

        call.InterruptCall(null, Message.CallCutOff);
        call.ApplyCallEvent("completed", 9, connectRawJson: null);

        Assert.Equal(("completed", 9), (call.CallStatus, call.CallDurationSeconds));
    }

    private static Message RingingCall()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "16315551190", null, CalledAt);
        var call = Message.Call(conversation, "wacid.2", customerCalled: true, CalledAt.AddSeconds(-3), "{}", CalledAt);
        call.ApplyCallEvent(Message.CallRinging, durationSeconds: null, connectRawJson: null);
        return call;
    }

    [Fact]
    public void A_ringing_call_is_taken_once_and_its_lease_starts_then()
    {
        var call = RingingCall();

        Assert.True(call.TryClaimCall(CalledAt.AddSeconds(1)));
        Assert.False(call.TryClaimCall(CalledAt.AddSeconds(2)));

        Assert.Equal(CalledAt.AddSeconds(1), call.StatusAt);
        Assert.False(call.IsLostCall(CalledAt.AddSeconds(1)));
        Assert.True(call.IsLostCall(CalledAt.AddSeconds(1.5)));
    }

    [Fact]
    public void A_call_nobody_took_is_lost_once_it_was_stored_longer_ago_than_the_lease_by_our_clock()
    {
        var call = RingingCall(); // Meta's timestamp is 3 s before we stored it

        Assert.False(call.IsLostCall(CalledAt));
        Assert.True(call.IsLostCall(CalledAt.AddTicks(1)));
    }

    [Fact]
    public void A_lost_call_that_only_rang_is_rejected_and_one_pre_accepted_is_terminated_both_stored_as_not_answered()
    {
        var rang = RingingCall();
        Assert.True(rang.TryClaimCall(CalledAt));
        var preAccepted = RingingCall();
        Assert.True(preAccepted.TryClaimCall(CalledAt) && preAccepted.TryRecordCallPreAccepted(CalledAt));
        Assert.Equal(Message.CallPreAccepted, preAccepted.CallStatus);

        Assert.Equal(LostCallAction.Reject, rang.EndLostCall(lastTurnAt: null));
        Assert.Equal(LostCallAction.Terminate, preAccepted.EndLostCall(lastTurnAt: null));

        Assert.All([rang, preAccepted], c => Assert.Equal(("rejected", Message.CallNotAnswered, (int?)null), (c.CallStatus, c.ErrorTitle, c.CallDurationSeconds)));
        Assert.All([rang, preAccepted], c => Assert.False(c.IsOpenCall));
    }

    [Fact]
    public void A_lost_live_call_is_terminated_and_interrupted()
    {
        var call = AnsweredCall();

        Assert.Equal(LostCallAction.Terminate, call.EndLostCall(CalledAt.AddSeconds(5)));

        Assert.Equal((Message.CallInterrupted, 5), (call.CallStatus, call.CallDurationSeconds));
    }

    [Fact]
    public void An_ended_call_is_not_taken_pre_accepted_answered_or_renewed()
    {
        var call = RingingCall();
        call.ApplyCallEvent("completed", 0, connectRawJson: null); // the caller hung up while it rang

        Assert.False(call.TryClaimCall(CalledAt));
        Assert.False(call.TryRecordCallPreAccepted(CalledAt));
        Assert.False(call.RecordCallAnswered(CalledAt));
        call.RenewCallLease(CalledAt);
        Assert.Equal(("completed", (DateTime?)null), (call.CallStatus, call.StatusAt));
        Assert.False(call.IsLostCall(CalledAt.AddHours(1)));
    }
}
