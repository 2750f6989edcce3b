using CleanAgent.Domain.Conversations;

namespace CleanAgent.Domain.UnitTests.Conversations;

public sealed class MessageStatusTests
{
    private static readonly DateTime Now = new(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc);

    private static Message SentMessage()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "12345678900", null, Now);
        var message = Message.OutboundText(conversation, "Hello", null, Now);
        message.MarkSent("wamid.OUT1", Now);
        return message;
    }

    [Fact]
    public void Statuses_move_forward_from_sent_to_delivered_to_read()
    {
        var message = SentMessage();

        Assert.True(message.ApplyStatus(MessageStatus.Delivered, Now.AddSeconds(1), null, null));
        Assert.Equal(MessageStatus.Delivered, message.Status);
        Assert.True(message.ApplyStatus(MessageStatus.Read, Now.AddSeconds(2), null, null));
        Assert.Equal(MessageStatus.Read, message.Status);
        Assert.Equal(Now.AddSeconds(2), message.StatusAt);
    }

    [Fact]
    public void Delivered_after_read_is_ignored()
    {
        var message = SentMessage();
        message.ApplyStatus(MessageStatus.Read, Now.AddSeconds(2), null, null);

        Assert.False(message.ApplyStatus(MessageStatus.Delivered, Now.AddSeconds(3), null, null));
        Assert.Equal(MessageStatus.Read, message.Status);
        Assert.Equal(Now.AddSeconds(2), message.StatusAt);
    }

    [Fact]
    public void Sent_after_delivered_is_ignored()
    {
        var message = SentMessage();
        message.ApplyStatus(MessageStatus.Delivered, Now.AddSeconds(1), null, null);

        Assert.False(message.ApplyStatus(MessageStatus.Sent, Now.AddSeconds(2), null, null));
        Assert.Equal(MessageStatus.Delivered, message.Status);
    }

    [Fact]
    public void Played_follows_read_but_read_does_not_follow_played()
    {
        var message = SentMessage();
        message.ApplyStatus(MessageStatus.Read, Now.AddSeconds(1), null, null);

        Assert.True(message.ApplyStatus(MessageStatus.Played, Now.AddSeconds(2), null, null));
        Assert.False(message.ApplyStatus(MessageStatus.Read, Now.AddSeconds(3), null, null));
        Assert.Equal(MessageStatus.Played, message.Status);
    }

    [Fact]
    public void Failed_records_Metas_code_and_title()
    {
        var message = SentMessage();

        Assert.True(message.ApplyStatus(MessageStatus.Failed, Now.AddSeconds(1), "131047", "Re-engagement message"));

        Assert.Equal(MessageStatus.Failed, message.Status);
        Assert.Equal("131047", message.ErrorCode);
        Assert.Equal("Re-engagement message", message.ErrorTitle);
        Assert.Equal(Now.AddSeconds(1), message.StatusAt);
    }

    [Fact]
    public void Failed_after_delivered_is_recorded()
    {
        var message = SentMessage();
        message.ApplyStatus(MessageStatus.Delivered, Now.AddSeconds(1), null, null);

        Assert.True(message.ApplyStatus(MessageStatus.Failed, Now.AddSeconds(2), "131000", "Something went wrong"));
        Assert.Equal(MessageStatus.Failed, message.Status);
    }

    [Theory]
    [InlineData(MessageStatus.Read)]
    [InlineData(MessageStatus.Played)]
    public void Failed_does_not_override_read_or_played(MessageStatus reached)
    {
        var message = SentMessage();
        message.ApplyStatus(reached, Now.AddSeconds(1), null, null);

        Assert.False(message.ApplyStatus(MessageStatus.Failed, Now.AddSeconds(2), "131000", "Something went wrong"));

        Assert.Equal(reached, message.Status);
        Assert.Null(message.ErrorCode);
        Assert.Null(message.ErrorTitle);
    }

    [Fact]
    public void A_second_failure_keeps_the_first_error()
    {
        var message = SentMessage();
        message.ApplyStatus(MessageStatus.Failed, Now.AddSeconds(1), "131047", "Re-engagement message");

        Assert.False(message.ApplyStatus(MessageStatus.Failed, Now.AddSeconds(2), "131000", "Something went wrong"));
        Assert.Equal("131047", message.ErrorCode);
    }

    [Fact]
    public void Delivered_after_failed_is_ignored()
    {
        var message = SentMessage();
        message.ApplyStatus(MessageStatus.Failed, Now.AddSeconds(1), "131000", "Something went wrong");

        Assert.False(message.ApplyStatus(MessageStatus.Delivered, Now.AddSeconds(2), null, null));
        Assert.Equal(MessageStatus.Failed, message.Status);
    }

    [Fact]
    public void Statuses_do_not_change_an_inbound_message()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "12345678900", null, Now);
        var inbound = Message.Inbound(conversation, "wamid.IN1", new InboundContent { Type = "text", Text = "Hi", RawJson = "{}" }, Now, Now);

        Assert.False(inbound.ApplyStatus(MessageStatus.Read, Now, null, null));
        Assert.Equal(MessageStatus.Received, inbound.Status);
    }

    [Fact]
    public void A_status_kept_before_its_message_is_applied_when_the_message_appears()
    {
        var message = SentMessage();
        var early = PendingStatusUpdate.Keep(message.WhatsAppNumberId, "wamid.OUT1", MessageStatus.Read, Now.AddSeconds(5), null, null, Now);

        early.ApplyTo(message);

        Assert.Equal(MessageStatus.Read, message.Status);
    }

    [Theory]
    [InlineData("sent", MessageStatus.Sent)]
    [InlineData("DELIVERED", MessageStatus.Delivered)]
    [InlineData("read", MessageStatus.Read)]
    [InlineData("played", MessageStatus.Played)]
    [InlineData("failed", MessageStatus.Failed)]
    public void Metas_status_words_are_read(string word, MessageStatus expected)
    {
        Assert.Equal(expected, MessageStatusRules.FromMeta(word));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("deleted")]
    [InlineData("warning")]
    public void Unknown_status_words_are_not_guessed(string? word)
    {
        Assert.Null(MessageStatusRules.FromMeta(word));
    }
}
