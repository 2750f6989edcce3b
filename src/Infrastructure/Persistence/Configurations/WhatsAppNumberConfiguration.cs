using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Common;
using CleanAgent.Domain.Numbers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanAgent.Infrastructure.Persistence.Configurations;

internal sealed class WhatsAppNumberConfiguration : IEntityTypeConfiguration<WhatsAppNumber>
{
    public void Configure(EntityTypeBuilder<WhatsAppNumber> builder)
    {
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.Property(n => n.PhoneNumber)
            .HasConversion(p => p.Value, s => PhoneNumber.FromStored(s))
            .HasMaxLength(20).IsRequired();
        builder.Property(n => n.DisplayName).HasMaxLength(200).IsRequired();
        builder.Property(n => n.PhoneNumberId).HasMaxLength(32).IsRequired();
        builder.HasIndex(n => n.PhoneNumberId).IsUnique();
        builder.Property(n => n.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(n => n.AppId).HasMaxLength(32);
        builder.Property(n => n.BusinessId).HasMaxLength(32);
        builder.Property(n => n.WabaId).HasMaxLength(32);
        builder.Property(n => n.LastEventField).HasMaxLength(NumberEvent.MaxFieldLength);
        builder.Property(n => n.LastEvent).HasMaxLength(NumberEvent.MaxEventLength);
        builder.Property(n => n.GraphApiVersion).HasMaxLength(16).IsRequired();
        builder.Property(n => n.AccessTokenLast4).HasMaxLength(4);
        builder.Property(n => n.LastWebhookError).HasMaxLength(1000);
        builder.Property(n => n.CallHours)
            .HasConversion(CallHoursColumn.Converter, CallHoursColumn.Comparer)
            .HasMaxLength(4000);
        builder.HasOne<Agent>().WithMany().HasForeignKey(n => n.AgentId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(n => n.HasAppSecret);
        builder.Ignore(n => n.HasAccessToken);
        builder.Ignore(n => n.AccountId);
    }
}

internal sealed class NumberEventConfiguration : IEntityTypeConfiguration<NumberEvent>
{
    public void Configure(EntityTypeBuilder<NumberEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Field).HasMaxLength(NumberEvent.MaxFieldLength).IsRequired();
        builder.Property(e => e.Event).HasMaxLength(NumberEvent.MaxEventLength);
        builder.Property(e => e.RawJson).IsRequired();
        builder.HasIndex(e => new { e.WhatsAppNumberId, e.ReceivedAt });
        builder.HasOne<WhatsAppNumber>().WithMany().HasForeignKey(e => e.WhatsAppNumberId).OnDelete(DeleteBehavior.Cascade);
    }
}
