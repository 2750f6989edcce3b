using CleanAgent.Domain.Agents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanAgent.Infrastructure.Persistence.Configurations;

internal sealed class AgentConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Name).HasMaxLength(200).IsRequired();
        builder.Property(a => a.Prompt).IsRequired();
        builder.Property(a => a.LlmModel).HasMaxLength(200);
        builder.Property(a => a.SttModel).HasMaxLength(200);
        builder.Property(a => a.TtsModel).HasMaxLength(200);
        builder.Property(a => a.TtsVoice).HasMaxLength(200);
        builder.Property(a => a.HandoffPhrases).HasConversion(JsonColumn.Converter<IReadOnlyList<string>>(), JsonColumn.ListComparer()).HasMaxLength(4000);
        builder.Property(a => a.HandoffMessage).HasMaxLength(4096);
        builder.Property(a => a.KnowledgeLanguage).HasMaxLength(8).IsRequired();
        builder.Property(a => a.VoiceReplies).HasConversion<string>().HasMaxLength(32).HasDefaultValue(VoiceReplies.Never);
    }
}
