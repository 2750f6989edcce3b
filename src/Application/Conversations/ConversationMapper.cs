using CleanAgent.Domain.Conversations;
using Riok.Mapperly.Abstractions;

namespace CleanAgent.Application.Conversations;

[Mapper(RequiredMappingStrategy = RequiredMappingStrategy.Target)]
internal static partial class ConversationMapper
{
    public static partial IQueryable<ConversationDto> ProjectToDto(this IQueryable<Conversation> conversations);

    public static partial IQueryable<MessageDto> ProjectToDto(this IQueryable<Message> messages);

    [MapProperty(nameof(Message.ErrorTitle), nameof(MessageDto.Error))]
    private static partial MessageDto ToDto(Message message);
}
