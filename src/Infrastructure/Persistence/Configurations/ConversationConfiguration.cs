using CleanAgent.Domain.Conversations;
using CleanAgent.Domain.Numbers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanAgent.Infrastructure.Persistence.Configurations;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.CustomerKey).HasMaxLength(128).IsRequired();
        builder.Property(c => c.CustomerWaId).HasMaxLength(32);
        builder.Property(c => c.CustomerUserId).HasMaxLength(128);
        builder.Property(c => c.CustomerName).HasMaxLength(256);
        builder.Property(c => c.CustomerUsername).HasMaxLength(128);
        builder.Property(c => c.CustomerParentUserId).HasMaxLength(128);
        builder.Property(c => c.LastReplyError).HasMaxLength(1000);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Property(c => c.Mode).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.ModeChangedBy).HasMaxLength(Conversation.MaxModeChangedByLength);
        builder.Property(c => c.ModeReason).HasMaxLength(Conversation.MaxModeReasonLength);
        builder.Ignore(c => c.Recipient);
        builder.Ignore(c => c.IsUnidentified);
        builder.HasIndex(c => new { c.WhatsAppNumberId, c.CustomerKey }).IsUnique();
        builder.HasIndex(c => new { c.WhatsAppNumberId, c.LastMessageAt });
        builder.HasIndex(c => c.LastMessageAt);
        builder.HasIndex(c => c.ReplyPending);
        builder.HasIndex(c => new { c.Mode, c.WaitingForHuman });
        builder.HasOne<WhatsAppNumber>().WithMany().HasForeignKey(c => c.WhatsAppNumberId).OnDelete(DeleteBehavior.Cascade);
    }
}
