namespace CleanAgent.Infrastructure.Media;

/// <summary>The <c>Media</c> settings of the media store.</summary>
internal sealed class MediaStoreOptions
{
    public const string SectionName = "Media";

    /// <summary><c>FileSystem</c> (default) or <c>Database</c>.</summary>
    public string Store { get; set; } = nameof(MediaStoreKind.FileSystem);

    /// <summary>Where <c>FileSystem</c> keeps the files; relative paths are relative to the content root.</summary>
    public string RootPath { get; set; } = "media";

    public static MediaStoreKind ParseStore(string? value) =>
        string.IsNullOrWhiteSpace(value) ? MediaStoreKind.FileSystem
        : Enum.TryParse<MediaStoreKind>(value.Trim(), ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind
        : throw new InvalidOperationException($"Media:Store '{value}' is not supported. Use 'FileSystem' or 'Database'.");
}

internal enum MediaStoreKind
{
    FileSystem,
    Database,
}

/// <summary>Keys are sha256 hashes in lowercase hex; anything else is never a path or a row.</summary>
internal static class MediaKeys
{
    public static string For(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    public static bool IsValid(string? key) => key is { Length: 64 } && key.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
