namespace CleanAgent.Application.Media;

/// <summary>Meta's limits on WhatsApp media: which types each kind of message may carry, and how large.</summary>
public static class MediaRules
{
    /// <summary>Meta's largest allowed file (documents), the default of <c>Media:MaxBytes</c>.</summary>
    public const long MetaMaxBytes = 100L * 1024 * 1024;

    private const long Mb = 1024 * 1024;

    private static readonly Dictionary<string, (long MaxBytes, string[] MimeTypes)> Kinds = new(StringComparer.Ordinal)
    {
        ["audio"] = (16 * Mb, ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/opus"]),
        ["voice"] = (16 * Mb, ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/opus"]),
        ["image"] = (5 * Mb, ["image/jpeg", "image/png"]),
        ["sticker"] = (500 * 1024, ["image/webp"]),
        ["video"] = (16 * Mb, ["video/mp4", "video/3gpp"]),
        ["document"] = (100 * Mb,
        [
            "text/plain", "application/pdf", "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ]),
    };

    /// <summary>The largest file of this kind that is kept: Meta's limit for the kind, or <paramref name="configuredMax"/> when lower.</summary>
    public static long MaxBytesFor(string type, long configuredMax)
    {
        var meta = Kinds.TryGetValue(type, out var kind) ? kind.MaxBytes : MetaMaxBytes;
        return configuredMax > 0 ? Math.Min(meta, configuredMax) : meta;
    }

    /// <summary>Whether Meta allows <paramref name="mimeType"/> (parameters such as "; codecs=opus" ignored) for this kind of message.</summary>
    public static bool Allows(string type, string? mimeType)
    {
        if (string.IsNullOrWhiteSpace(mimeType) || !Kinds.TryGetValue(type, out var kind))
        {
            return true;
        }

        var bare = BareMimeType(mimeType);
        return kind.MimeTypes.Contains(bare, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The kinds of message a person may send a file as, in the order a media type is looked up.</summary>
    private static readonly string[] SendableKinds = ["image", "video", "audio", "document"];

    /// <summary>The kind of message (image, video, audio, document) Meta sends a file of <paramref name="mimeType"/> as; null when Meta allows it in none.</summary>
    public static string? KindFor(string? mimeType) =>
        string.IsNullOrWhiteSpace(mimeType) ? null : SendableKinds.FirstOrDefault(kind => Kinds[kind].MimeTypes.Contains(BareMimeType(mimeType), StringComparer.OrdinalIgnoreCase));

    /// <summary>Every media type a person may send, for an error message.</summary>
    public static IEnumerable<string> SendableMimeTypes => SendableKinds.SelectMany(kind => Kinds[kind].MimeTypes);

    /// <summary>"audio/ogg; codecs=opus" → "audio/ogg".</summary>
    public static string BareMimeType(string mimeType) => mimeType.Split(';', 2)[0].Trim().ToLowerInvariant();

    /// <summary>
    /// Reads a sha256 in either encoding Meta uses (webhooks: base64; the media endpoint: hex); null when it is neither.
    /// </summary>
    public static byte[]? DecodeSha256(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length == 64 && text.All(Uri.IsHexDigit))
        {
            return Convert.FromHexString(text);
        }

        var buffer = new byte[48];
        return Convert.TryFromBase64String(text, buffer, out var written) && written == 32 ? buffer[..32] : null;
    }

    /// <summary>A file name for a stored file: the customer's own, else one made from the message type and media type.</summary>
    public static string FileNameFor(string type, string? fileName, string? mimeType, Guid messageId)
    {
        if (!string.IsNullOrWhiteSpace(fileName))
        {
            var clean = new string(fileName.Where(c => !char.IsControl(c) && c is not ('/' or '\\' or '"')).ToArray()).Trim();
            if (clean.Length > 0)
            {
                return clean.Length > 200 ? clean[..200] : clean;
            }
        }

        var extension = (mimeType is null ? null : BareMimeType(mimeType)) switch
        {
            "audio/ogg" or "audio/opus" => ".ogg",
            "audio/mpeg" => ".mp3",
            "audio/mp4" => ".m4a",
            "audio/aac" => ".aac",
            "audio/amr" => ".amr",
            "image/jpeg" => ".jpg",
            "image/png" => ".png",
            "image/webp" => ".webp",
            "video/mp4" => ".mp4",
            "video/3gpp" => ".3gp",
            "application/pdf" => ".pdf",
            "text/plain" => ".txt",
            _ => ".bin",
        };
        return $"{type}-{messageId:N}{extension}";
    }
}
