using CleanAgent.Domain.Conversations;

namespace CleanAgent.Domain.UnitTests.Conversations;

public sealed class ConversationTests
{
    private static readonly DateTime Start = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);

    private static Conversation NewConversation() => Conversation.Start(Guid.NewGuid(), "12345678900", null, Start);

    private static Message Inbound(Conversation conversation, DateTime at, string type = "text", string wamid = "wamid.IN1") =>
        Message.Inbound(conversation, wamid, new InboundContent { Type = type, Text = "Hi", RawJson = "{}" }, at, at);

    [Fact]
    public void A_new_conversation_is_outside_the_service_window_until_the_customer_writes()
    {
        var conversation = NewConversation();

        Assert.False(conversation.IsWithinServiceWindow(Start));
        Assert.Equal(0, conversation.InboundCount);
        Assert.False(conversation.ReplyPending);
    }

    [Fact]
    public void Service_window_lasts_24_hours_after_the_last_inbound_message()
    {
        var conversation = NewConversation();
        conversation.RecordInbound(Inbound(conversation, Start), "Ana", null, answering: true, Start);

        Assert.True(conversation.IsWithinServiceWindow(Start.AddHours(23).AddMinutes(59)));
        Assert.False(conversation.IsWithinServiceWindow(Start.AddHours(24)));
        Assert.False(conversation.IsWithinServiceWindow(Start.AddDays(3)));
    }

    [Fact]
    public void A_later_inbound_message_reopens_the_service_window()
    {
        var conversation = NewConversation();
        conversation.RecordInbound(Inbound(conversation, Start), null, null, answering: true, Start);
        var later = Start.AddHours(30);
        conversation.RecordInbound(Inbound(conversation, later, wamid: "wamid.IN2"), null, null, answering: true, later);

        Assert.True(conversation.IsWithinServiceWindow(later.AddHours(23)));
        Assert.Equal(later, conversation.LastInboundAt);
    }

    [Fact]
    public void An_older_message_delivered_late_does_not_move_the_window_back()
    {
        var conversation = NewConversation();
        conversation.RecordInbound(Inbound(conversation, Start.AddHours(2)), null, null, answering: true, Start.AddHours(2));
        conversation.RecordInbound(Inbound(conversation, Start, wamid: "wamid.IN0"), null, null, answering: true, Start.AddHours(3));

        Assert.Equal(Start.AddHours(2), conversation.LastInboundAt);
        Assert.Equal(Start.AddHours(2), conversation.LastMessageAt);
        Assert.Equal(2, conversation.InboundCount);
    }

    [Fact]
    public void Recording_inbound_messages_counts_them_and_keeps_the_customers_name()
    {
        var conversation = NewConversation();

        conversation.RecordInbound(Inbound(conversation, Start), "Ana", "US.123", answering: true, Start);
        conversation.RecordInbound(Inbound(conversation, Start.AddMinutes(1), wamid: "wamid.IN2"), "  ", null, answering: true, Start.AddMinutes(1));

        Assert.Equal(2, conversation.InboundCount);
        Assert.Equal("Ana", conversation.CustomerName);
        Assert.Equal("US.123", conversation.CustomerUserId);
        Assert.Equal(Start.AddMinutes(1), conversation.LastMessageAt);
    }

    [Fact]
    public void A_new_profile_name_replaces_the_old_one()
    {
        var conversation = NewConversation();
        conversation.RecordInbound(Inbound(conversation, Start), "Ana", null, answering: true, Start);
        conversation.RecordInbound(Inbound(conversation, Start.AddMinutes(1), wamid: "wamid.IN2"), "Ana Maria", null, answering: true, Start.AddMinutes(1));

        Assert.Equal("Ana Maria", conversation.CustomerName);
    }

    [Fact]
    public void A_text_message_asks_for_a_reply_and_a_reaction_does_not()
    {
        var answered = NewConversation();
        var reacted = NewConversation();

        answered.RecordInbound(Inbound(answered, Start), null, null, answering: true, Start);
        reacted.RecordInbound(Inbound(reacted, Start, type: "reaction"), null, null, answering: true, Start);

        Assert.True(answered.ReplyPending);
        Assert.Equal(Start, answered.ReplyRequestedAt);
        Assert.False(reacted.ReplyPending);
        Assert.Equal(1, reacted.InboundCount);
    }

    [Fact]
    public void Requesting_a_reply_again_keeps_the_time_of_the_first_request()
    {
        var conversation = NewConversation();

        conversation.RequestReply(Start);
        conversation.RequestReply(Start.AddMinutes(5));

        Assert.True(conversation.ReplyPending);
        Assert.Equal(Start, conversation.ReplyRequestedAt);
    }

    [Fact]
    public void Completing_a_reply_clears_the_pending_flag_and_records_the_error()
    {
        var conversation = NewConversation();
        conversation.RequestReply(Start);

        conversation.CompleteReply("131047: outside the 24-hour window");

        Assert.False(conversation.ReplyPending);
        Assert.Equal("131047: outside the 24-hour window", conversation.LastReplyError);

        conversation.RequestReply(Start.AddHours(1));
        conversation.CompleteReply(null);
        Assert.Null(conversation.LastReplyError);
        Assert.Equal(Start.AddHours(1), conversation.ReplyRequestedAt);
    }

    [Fact]
    public void Every_change_bumps_the_version()
    {
        var conversation = NewConversation();
        var before = conversation.Version;

        conversation.RequestReply(Start);
        conversation.CompleteReply(null);

        Assert.Equal(before + 2, conversation.Version);
    }

    [Fact]
    public void Answers_go_to_the_wa_id_else_to_the_user_id()
    {
        var withPhone = Conversation.Start(Guid.NewGuid(), "12345678900", "US.1", Start);
        var withUserIdOnly = Conversation.Start(Guid.NewGuid(), null, "US.1", Start);

        Assert.Equal("12345678900", withPhone.Recipient);
        Assert.Equal("US.1", withUserIdOnly.Recipient);
        Assert.Equal("US.1", withUserIdOnly.CustomerKey);
    }

    [Fact]
    public void A_customer_needs_a_wa_id_or_a_user_id()
    {
        Assert.Throws<ArgumentException>(() => Conversation.Start(Guid.NewGuid(), null, null, Start));
    }

    [Fact]
    public void Outbound_messages_are_counted_apart()
    {
        var conversation = NewConversation();
        var reply = Message.OutboundText(conversation, "Hello", null, Start.AddMinutes(2));

        conversation.RecordOutbound(reply);

        Assert.Equal(1, conversation.OutboundCount);
        Assert.Equal(0, conversation.InboundCount);
        Assert.Equal(Start.AddMinutes(2), conversation.LastMessageAt);
    }
}
