using CleanAgent.Domain.Conversations;

namespace CleanAgent.Domain.UnitTests.Conversations;

/// <summary>The rules the 2026 webhook shapes add: identities, edits, revokes, calls, echoes, preferences.</summary>
public sealed class IntakeRulesTests
{
    private static readonly DateTime Start = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);

    private static Message Text(Conversation conversation, string text, string type = "text", string wamid = "wamid.T1") =>
        Message.Inbound(conversation, wamid, new InboundContent { Type = type, Text = text, RawJson = "{}" }, Start, Start);

    [Fact]
    public void A_changed_number_rekeys_the_conversation_and_keeps_the_user_id()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "16315550001", "US.1", Start);

        Assert.True(conversation.ChangeIdentity("16315550002", null));

        Assert.Equal("16315550002", conversation.CustomerKey);
        Assert.Equal("US.1", conversation.CustomerUserId);
    }

    [Fact]
    public void A_changed_user_id_keeps_a_phone_number_key()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "16315550001", "US.1", Start);

        Assert.False(conversation.ChangeIdentity(null, "US.2"));

        Assert.Equal("16315550001", conversation.CustomerKey);
        Assert.Equal("US.2", conversation.CustomerUserId);
    }

    [Fact]
    public void Absorbing_a_newer_conversation_takes_its_counts_window_and_pending_reply()
    {
        var older = Conversation.Start(Guid.NewGuid(), "16315550001", null, Start);
        older.RecordInbound(Text(older, "a"), null, null, answering: false, Start);
        var newer = Conversation.Start(older.WhatsAppNumberId, "16315550002", null, Start.AddHours(1));
        var later = Message.Inbound(newer, "wamid.T2", new InboundContent { Type = "text", Text = "b", RawJson = "{}" }, Start.AddHours(2), Start.AddHours(2));
        newer.RecordInbound(later, "Ana", null, answering: true, Start.AddHours(2));

        older.Absorb(newer);

        Assert.Equal(2, older.InboundCount);
        Assert.Equal(Start.AddHours(2), older.LastInboundAt);
        Assert.True(older.ReplyPending);
        Assert.Equal("Ana", older.CustomerName);
    }

    [Fact]
    public void Keys_too_long_or_blank_are_not_customer_keys()
    {
        Assert.Null(Conversation.KeyFor(new string('1', 33), null));
        Assert.Equal("US.1", Conversation.KeyFor(new string('1', 33), "US.1"));
        Assert.Null(Conversation.KeyFor(" ", new string('u', 129)));
        Assert.Null(Conversation.KeyFor(Conversation.UnidentifiedCustomerKey, null));
    }

    [Fact]
    public void The_unidentified_conversation_never_asks_for_a_reply()
    {
        var conversation = Conversation.StartUnidentified(Guid.NewGuid(), Start);

        conversation.RecordInbound(Text(conversation, "who am I"), null, null, answering: true, Start);

        Assert.False(conversation.ReplyPending);
        Assert.Equal(1, conversation.InboundCount);
    }

    [Theory]
    [InlineData("edit")]
    [InlineData("revoke")]
    [InlineData("call")]
    public void Edits_revokes_and_calls_are_not_questions(string type)
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "16315550001", null, Start);
        var message = Text(conversation, "x", type);

        conversation.RecordInbound(message, null, null, answering: true, Start);

        Assert.False(message.NeedsReply);
        Assert.False(conversation.ReplyPending);
    }

    [Fact]
    public void An_edit_keeps_the_first_text_and_an_older_edit_does_not_win()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "16315550001", null, Start);
        var message = Text(conversation, "2 pizzas");

        message.ApplyEdit("3 pizzas", Start.AddMinutes(2));
        message.ApplyEdit("4 pizzas", Start.AddMinutes(1));

        Assert.Equal("3 pizzas", message.Text);
        Assert.Equal("2 pizzas", message.OriginalText);
        Assert.Equal(Start.AddMinutes(2), message.EditedAt);
    }

    [Fact]
    public void A_revoke_keeps_its_first_time()
    {
        var message = Text(Conversation.Start(Guid.NewGuid(), "16315550001", null, Start), "oops");

        message.Revoke(Start.AddMinutes(1));
        message.Revoke(Start.AddMinutes(5));

        Assert.Equal(Start.AddMinutes(1), message.RevokedAt);
    }

    [Fact]
    public void A_calls_final_status_is_not_replaced_by_a_late_ringing_and_the_offer_is_kept()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "16315550001", null, Start);
        var call = Message.Call(conversation, "wacid.1", customerCalled: true, Start, "{\"event\":\"terminate\"}", Start);

        call.ApplyCallEvent("completed", 33, null);
        call.ApplyCallEvent("ringing", null, "{\"session\":{\"sdp\":\"v=0\"}}");

        Assert.Equal("completed", call.CallStatus);
        Assert.Equal(33, call.CallDurationSeconds);
        Assert.Contains("sdp", call.RawJson, StringComparison.Ordinal);
        Assert.Equal(MessageDirection.Inbound, call.Direction);
        Assert.False(call.NeedsReply);
    }

    [Fact]
    public void Echoes_are_the_business_apps_and_agent_answers_the_agents()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "16315550001", null, Start);

        var echo = Message.Echo(conversation, "wamid.E1", new InboundContent { Type = "text", Text = "hi", RawJson = "{}" }, Start, Start);
        var answer = Message.OutboundText(conversation, "hello", null, Start);

        Assert.Equal(Message.SentByBusinessApp, echo.SentBy);
        Assert.Equal(MessageStatus.Sent, echo.Status);
        Assert.False(echo.NeedsReply);
        Assert.Equal(Message.SentByAgent, answer.SentBy);
    }

    [Fact]
    public void A_marketing_preference_only_moves_forward_in_time()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "16315550001", null, Start);

        conversation.RecordMarketingPreference(optedOut: true, Start.AddMinutes(5));
        conversation.RecordMarketingPreference(optedOut: false, Start.AddMinutes(1));

        Assert.True(conversation.MarketingOptOut);
        Assert.Equal(Start.AddMinutes(5), conversation.MarketingPreferenceAt);
    }
}
