using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CleanAgent.Infrastructure.Persistence;

/// <summary>A media file kept in the database (<c>Media:Store=Database</c>), keyed by its sha256 in hex.</summary>
internal sealed class StoredMediaFile(string key, byte[] bytes, DateTime createdAt)
{
    public string Key { get; private set; } = key;
    public byte[] Bytes { get; private set; } = bytes;
    public long SizeBytes { get; private set; } = bytes.LongLength;
    public DateTime CreatedAt { get; private set; } = createdAt;
}

internal sealed class StoredMediaFileConfiguration : IEntityTypeConfiguration<StoredMediaFile>
{
    public void Configure(EntityTypeBuilder<StoredMediaFile> builder)
    {
        builder.ToTable("MediaFiles");
        builder.HasKey(f => f.Key);
        builder.Property(f => f.Key).HasMaxLength(64);
        builder.Property(f => f.Bytes).IsRequired();
    }
}
