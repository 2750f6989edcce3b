using CleanAgent.Domain.Conversations;

namespace CleanAgent.Domain.UnitTests.Conversations;

/// <summary>The outbox: an outbound message is committed Pending, then sent once, or fails and may be retried or discarded.</summary>
public sealed class OutboxTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    private static Message Outbound(string text = "Open 9 to 5.") =>
        Message.OutboundText(Conversation.Start(Guid.NewGuid(), "4915112345678", null, Now), text, null, Now);

    [Fact]
    public void A_new_outbound_message_waits_in_the_outbox()
    {
        var message = Outbound();

        Assert.True(message.AwaitsDelivery);
        Assert.False(message.IsUndelivered);
    }

    [Fact]
    public void A_sent_message_leaves_the_outbox_and_cannot_be_retried_or_discarded()
    {
        var message = Outbound();
        message.MarkSent("wamid.OUT1", Now);

        Assert.False(message.AwaitsDelivery);
        Assert.False(message.TryRequeue(Now));
        Assert.False(message.TryDiscard(Now));
        Assert.Equal(MessageStatus.Sent, message.Status);
    }

    [Fact]
    public void A_refused_message_can_be_put_back_in_the_outbox_without_its_error()
    {
        var message = Outbound();
        message.MarkFailed("131047", "Re-engagement message", Now);

        Assert.True(message.TryRequeue(Now.AddMinutes(1)));
        Assert.True(message.AwaitsDelivery);
        Assert.Null(message.ErrorCode);
        Assert.Null(message.ErrorTitle);
    }

    [Fact]
    public void A_refused_file_without_a_caption_can_be_put_back_in_the_outbox()
    {
        var conversation = Conversation.Start(Guid.NewGuid(), "4915112345678", null, Now);
        var file = Message.OperatorMedia(conversation, "image", "ab/cdef", 1024, "image/png", "menu.png", caption: null, "ana@example.com", null, Now);
        file.MarkFailed("131053", "Media upload error", Now);

        Assert.Null(file.Text);
        Assert.True(file.TryRequeue(Now.AddMinutes(1)));
        Assert.True(file.AwaitsDelivery);
    }

    [Fact]
    public void A_refused_message_can_be_discarded_and_then_neither_retried_nor_discarded_again()
    {
        var message = Outbound();
        message.MarkFailed("131026", "Message undeliverable", Now);

        Assert.True(message.TryDiscard(Now));
        Assert.Equal(MessageStatus.Discarded, message.Status);
        Assert.False(message.TryRequeue(Now));
        Assert.False(message.TryDiscard(Now));
    }

    [Fact]
    public void A_message_that_failed_after_meta_accepted_it_is_not_sent_again()
    {
        var message = Outbound();
        message.MarkSent("wamid.OUT1", Now);
        message.ApplyStatus(MessageStatus.Failed, Now, "131049", "Not delivered to maintain ecosystem health");

        Assert.False(message.IsUndelivered);
        Assert.False(message.TryRequeue(Now));
    }

    [Fact]
    public void A_record_of_a_closed_window_has_nothing_to_send_again()
    {
        var record = Outbound(string.Empty);
        record.MarkFailed("window_closed", "More than 24 hours had passed", Now);

        Assert.False(record.TryRequeue(Now));
        Assert.True(record.TryDiscard(Now));
    }
}
