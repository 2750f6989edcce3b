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
}
