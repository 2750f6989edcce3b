using Bunit;
using CleanAgent.Application.Conversations;
using CleanAgent.Domain.Conversations;
using CleanAgent.WebApi.Components.Shared;

namespace CleanAgent.WebApi.FunctionalTests.Components;

public sealed class MessageThreadTests : IDisposable
{
    private static readonly DateTime At = new(2026, 12, 2, 9, 30, 0, DateTimeKind.Utc);
    private readonly BunitContext _context = new();

    private static MessageDto Message(MessageDirection direction, string text, MessageStatus status, string? error = null, string? code = null) =>
        new(Guid.NewGuid(), direction, "wamid." + Guid.NewGuid().ToString("N"), "text", text, status, At, null, error, code,
            null, null, null, null, false, null, false, null, direction == MessageDirection.Outbound ? "agent" : null, null, null, null, null, null);

    [Fact]
    public void Customer_messages_are_left_and_answers_right_with_their_ticks()
    {
        var cut = _context.Render<MessageThread>(p => p.Add(t => t.Messages,
        [
            Message(MessageDirection.Inbound, "what are your opening hours?", MessageStatus.Received),
            Message(MessageDirection.Outbound, "Monday to Friday 8:00-18:00", MessageStatus.Sent),
            Message(MessageDirection.Outbound, "See you!", MessageStatus.Delivered),
            Message(MessageDirection.Outbound, "Bye", MessageStatus.Read),
        ]));

        var bubbles = cut.FindAll("li.bubble");
        Assert.Equal(["in", "out", "out", "out"], bubbles.Select(b => b.ClassList.Contains("in") ? "in" : "out"));
        Assert.Empty(bubbles[0].QuerySelectorAll(".ticks"));
        Assert.Equal(["Sent", "Delivered", "Read"], bubbles.Skip(1).Select(b => b.QuerySelector(".ticks")!.GetAttribute("aria-label")));
        Assert.Equal(["✓", "✓✓", "✓✓"], bubbles.Skip(1).Select(b => b.QuerySelector(".ticks")!.TextContent));
        Assert.Contains("read", bubbles[3].QuerySelector(".ticks")!.ClassList);
        Assert.DoesNotContain("read", bubbles[2].QuerySelector(".ticks")!.ClassList);
    }

    [Fact]
    public void A_failed_message_shows_Metas_error_and_the_reply_error_is_shown()
    {
        var cut = _context.Render<MessageThread>(p => p
            .Add(t => t.Messages, [Message(MessageDirection.Outbound, "Hello again", MessageStatus.Failed, "Re-engagement message", "131047")])
            .Add(t => t.ReplyError, "The model did not answer in time."));

        var bubble = cut.Find("li.bubble");
        Assert.Contains("failed", bubble.ClassList);
        Assert.Equal("Failed", bubble.QuerySelector(".ticks")!.GetAttribute("aria-label"));
        Assert.Equal("Not delivered: Re-engagement message (code 131047)", bubble.QuerySelector(".bubble-error")!.TextContent);
        Assert.Contains("The last reply failed: The model did not answer in time.", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_shows_its_outcome_length_and_why_it_was_refused()
    {
        var answered = Message(MessageDirection.Inbound, null!, MessageStatus.Received) with { Type = "call", CallStatus = "completed", CallDurationSeconds = 75 };
        var refused = Message(MessageDirection.Inbound, null!, MessageStatus.Received, "outside the number's call hours: Mon 09:00-18:00 (UTC)") with { Type = "call", CallStatus = "rejected" };

        var cut = _context.Render<MessageThread>(p => p.Add(t => t.Messages, [answered, refused]));

        Assert.Equal(
            ["📞 Call · completed · 1:15", "📞 Call · rejected · outside the number's call hours: Mon 09:00-18:00 (UTC)"],
            cut.FindAll(".bubble-text").Select(b => b.TextContent));
        Assert.Empty(cut.FindAll(".bubble-error"));
    }

    public void Dispose() => _context.Dispose();
}
