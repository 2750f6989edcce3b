using CleanAgent.Domain.Conversations;

namespace CleanAgent.Domain.UnitTests.Conversations;

/// <summary>Agent or Human: who answers, who changed it and why, and what a handoff does to the agent's unsent answers.</summary>
public sealed class ConversationModeTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    private static Conversation NewConversation() => Conversation.Start(Guid.NewGuid(), "4915112345678", null, Now);

    [Fact]
    public void A_new_conversation_is_answered_by_the_agent()
    {
        var conversation = NewConversation();

        Assert.Equal(ConversationMode.Agent, conversation.Mode);
        Assert.Null(conversation.ModeChangedBy);
        Assert.False(conversation.WaitingForHuman);
    }

    [Fact]
    public void A_handoff_records_who_when_and_why_and_takes_the_lease_from_a_running_reply()
    {
        var conversation = NewConversation();
        var run = Guid.NewGuid();
        conversation.RequestReply(Now);
        Assert.True(conversation.TryClaimReply(run, Now, TimeSpan.FromMinutes(2)));

        Assert.True(conversation.HandToHuman("maria@example.com", "Complaint", Now.AddSeconds(5)));

        Assert.Equal(ConversationMode.Human, conversation.Mode);
        Assert.Equal("maria@example.com", conversation.ModeChangedBy);
        Assert.Equal("Complaint", conversation.ModeReason);
        Assert.Equal(Now.AddSeconds(5), conversation.ModeChangedAt);
        Assert.False(conversation.HoldsLease(run, Now.AddSeconds(6)));
        Assert.False(conversation.TryRenewLease(run, Now.AddSeconds(6), TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void A_second_handoff_keeps_the_first_reason_but_restarts_the_idle_clock()
    {
        var conversation = NewConversation();
        conversation.HandToHuman("api", "first", Now);

        Assert.False(conversation.HandToHuman("api", "second", Now.AddMinutes(50)));

        Assert.Equal("first", conversation.ModeReason);
        Assert.False(conversation.IsIdle(TimeSpan.FromMinutes(60), Now.AddMinutes(100)));
        Assert.True(conversation.IsIdle(TimeSpan.FromMinutes(60), Now.AddMinutes(110)));
    }

    [Fact]
    public void Idle_minutes_of_zero_never_hand_back()
    {
        var conversation = NewConversation();
        conversation.HandToHuman("api", null, Now);

        Assert.False(conversation.IsIdle(TimeSpan.Zero, Now.AddDays(30)));
    }

    [Fact]
    public void An_operator_reply_in_agent_mode_takes_the_conversation_over_and_asks_for_delivery()
    {
        var conversation = NewConversation();

        conversation.RecordOperatorReply("maria@example.com", Now);

        Assert.Equal(ConversationMode.Human, conversation.Mode);
        Assert.Equal("An operator replied.", conversation.ModeReason);
        Assert.True(conversation.ReplyPending);
        Assert.False(conversation.WaitingForHuman);
    }

    [Fact]
    public void Waiting_for_a_person_is_only_shown_in_human_mode_and_ends_with_a_reply_or_a_resume()
    {
        var conversation = NewConversation();
        conversation.AwaitHuman();
        Assert.False(conversation.WaitingForHuman);

        conversation.HandToHuman("customer", "asked for a person", Now);
        conversation.AwaitHuman();
        Assert.True(conversation.WaitingForHuman);

        conversation.RecordOperatorReply("api", Now);
        Assert.False(conversation.WaitingForHuman);

        conversation.AwaitHuman();
        Assert.True(conversation.ResumeAgent("api", null, Now.AddMinutes(1)));
        Assert.False(conversation.WaitingForHuman);
        Assert.Equal(ConversationMode.Agent, conversation.Mode);
        Assert.False(conversation.ResumeAgent("api", null, Now.AddMinutes(2)));
    }

    [Fact]
    public void A_handoff_cancels_only_the_agents_unsent_answers()
    {
        var conversation = NewConversation();
        var agentAnswer = Message.OutboundText(conversation, "Let me check.", null, Now);
        var sentAnswer = Message.OutboundText(conversation, "Hello!", null, Now);
        sentAnswer.MarkSent("wamid.OUT1", Now);
        var operatorText = Message.OperatorText(conversation, "I'm here.", "maria@example.com", null, Now);

        Assert.True(agentAnswer.CancelForHandoff(Now));
        Assert.False(sentAnswer.CancelForHandoff(Now));
        Assert.False(operatorText.CancelForHandoff(Now));

        Assert.Equal(MessageStatus.Discarded, agentAnswer.Status);
        Assert.Equal("handoff", agentAnswer.ErrorCode);
        Assert.Equal(MessageStatus.Pending, operatorText.Status);
        Assert.Equal("maria@example.com", operatorText.SentBy);
    }

    [Fact]
    public void A_template_waits_in_the_outbox_with_its_values()
    {
        var conversation = NewConversation();
        var template = new MessageTemplate("order_update", "de", ["4711"], [], null);

        var message = Message.OutboundTemplate(conversation, template, "Your order 4711 is on its way.", Message.SentByApi, "key-1", Now);

        Assert.True(message.AwaitsDelivery);
        Assert.Equal(Message.TemplateType, message.Type);
        Assert.Equal(template, message.Template);
        Assert.Equal("key-1", message.IdempotencyKey);
    }
}
