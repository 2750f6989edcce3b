using CleanAgent.Application.Conversations.GetConversationMessages;
using CleanAgent.Application.Conversations.GetConversations;

namespace CleanAgent.Application.UnitTests.Conversations;

public sealed class ConversationQueryValidatorTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 20)]
    [InlineData(7, 200)]
    public void Pages_from_one_with_up_to_200_items_are_valid(int page, int pageSize)
    {
        var result = new GetConversationsQueryValidator().Validate(new GetConversationsQuery(null, page, pageSize));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Theory]
    [InlineData(0, 20, "page")]
    [InlineData(-1, 20, "page")]
    [InlineData(1, 0, "pageSize")]
    [InlineData(1, 201, "pageSize")]
    public void Page_and_page_size_out_of_range_are_named(int page, int pageSize, string field)
    {
        var result = new GetConversationsQueryValidator().Validate(new GetConversationsQuery(Guid.NewGuid(), page, pageSize));

        Assert.Equal(field, Assert.Single(result.Errors).PropertyName);
    }

    [Theory]
    [InlineData(0, 100, "page")]
    [InlineData(1, 0, "pageSize")]
    [InlineData(1, 201, "pageSize")]
    public void Message_pages_out_of_range_are_named_with_the_conversations_bounds(int page, int pageSize, string field)
    {
        var result = new GetConversationMessagesQueryValidator().Validate(new GetConversationMessagesQuery(Guid.NewGuid(), page, pageSize));

        Assert.Equal(field, Assert.Single(result.Errors).PropertyName);
    }
}
