namespace CleanAgent.Application.Media;

/// <summary>The <c>Media</c> settings that the reply path needs.</summary>
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    /// <summary>The largest file kept (<c>Media:MaxBytes</c>); Meta's per-type limits apply below it.</summary>
    public long MaxBytes { get; set; } = MediaRules.MetaMaxBytes;
}
