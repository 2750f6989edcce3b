using CleanAgent.Domain.Conversations;

namespace CleanAgent.Application.Conversations;

public sealed record MessageDto(
    Guid Id,
    MessageDirection Direction,
    string? WhatsAppMessageId,
    string Type,
    string? Text,
    MessageStatus Status,
    DateTime Timestamp,
    DateTime? StatusAt,
    string? Error,
    string? ErrorCode,
    string? MediaId,
    string? MimeType,
    string? Caption,
    string? FileName,
    bool IsVoice,
    string? ContextMessageId,
    bool IsForwarded,
    DateTime? AnsweredAt,
    string? SentBy,
    DateTime? EditedAt,
    string? OriginalText,
    DateTime? RevokedAt,
    string? CallStatus,
    int? CallDurationSeconds,
    MediaStatus MediaStatus = MediaStatus.None,
    long? MediaSizeBytes = null,
    string? MediaError = null,
    string? Transcript = null);
