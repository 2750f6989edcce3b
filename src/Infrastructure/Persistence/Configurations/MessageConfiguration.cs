using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanAgent.Infrastructure.Persistence.Configurations;

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Direction).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.WhatsAppMessageId).HasMaxLength(256);
        builder.Property(m => m.Type).HasMaxLength(64).IsRequired();
        builder.Property(m => m.MediaId).HasMaxLength(256);
        builder.Property(m => m.MimeType).HasMaxLength(256);
        builder.Property(m => m.Sha256).HasMaxLength(256);
        builder.Property(m => m.FileName).HasMaxLength(512);
        builder.Property(m => m.ContextMessageId).HasMaxLength(256);
        builder.Property(m => m.ErrorCode).HasMaxLength(32);
        builder.Property(m => m.ErrorTitle).HasMaxLength(1000);
        builder.Property(m => m.SentBy).HasMaxLength(Message.MaxSentByLength);
        builder.Property(m => m.IdempotencyKey).HasMaxLength(Message.MaxIdempotencyKeyLength);
        builder.Property(m => m.Template).HasConversion(JsonColumn.Converter<MessageTemplate?>());
        builder.Property(m => m.CallStatus).HasMaxLength(32);
        builder.Property(m => m.MediaStatus).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.MediaKey).HasMaxLength(64);
        builder.Property(m => m.MediaError).HasMaxLength(Message.MaxMediaErrorLength);
        builder.Property(m => m.MediaUrl).HasMaxLength(Message.MaxMediaUrlLength);
        builder.Property(m => m.Transcript).HasMaxLength(Message.MaxTranscriptLength);

        // A redelivered webhook can never store the same message twice.
        builder.HasIndex(m => new { m.WhatsAppNumberId, m.WhatsAppMessageId }).IsUnique();
        builder.HasIndex(m => new { m.ConversationId, m.Timestamp });
        // A retried send with the same Idempotency-Key finds the first one's message instead of sending again.
        builder.HasIndex(m => new { m.WhatsAppNumberId, m.IdempotencyKey }).IsUnique();
        builder.HasIndex(m => m.CreatedAt);
        // An edit or revoke that arrived before its message is found when the message comes.
        builder.HasIndex(m => new { m.WhatsAppNumberId, m.ContextMessageId });
        builder.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PendingStatusUpdateConfiguration : IEntityTypeConfiguration<PendingStatusUpdate>
{
    public void Configure(EntityTypeBuilder<PendingStatusUpdate> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.WhatsAppMessageId).HasMaxLength(256).IsRequired();
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.ErrorCode).HasMaxLength(32);
        builder.Property(s => s.ErrorTitle).HasMaxLength(1000);
        builder.HasIndex(s => new { s.WhatsAppNumberId, s.WhatsAppMessageId });
        // The hourly retention sweep deletes by age (RawPayloadRetention); without it the sweep reads the whole table.
        builder.HasIndex(s => s.ReceivedAt);
    }
}
