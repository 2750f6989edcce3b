namespace CleanAgent.Domain.Numbers;

/// <summary>
/// Something Meta reported about a number or its account rather than about a conversation: an account update, a template
/// status, a quality rating, or a webhook field we do not act on. Kept as sent, for operators.
/// </summary>
public sealed class NumberEvent
{
    public const int MaxFieldLength = 64;
    public const int MaxEventLength = 128;

    private NumberEvent()
    {
        Field = string.Empty;
        RawJson = string.Empty;
    }

    public Guid Id { get; private set; }
    public Guid WhatsAppNumberId { get; private set; }

    /// <summary>Meta's webhook field, e.g. <c>account_update</c>.</summary>
    public string Field { get; private set; }

    /// <summary>The event word the value names (<c>APPROVED</c>, <c>FLAGGED</c>…), when it names one.</summary>
    public string? Event { get; private set; }

    /// <summary>The change's <c>value</c> exactly as Meta sent it.</summary>
    public string RawJson { get; private set; }

    public DateTime ReceivedAt { get; private set; }

    public static NumberEvent Record(Guid whatsAppNumberId, string field, string? eventName, string rawJson, DateTime now) =>
        new()
        {
            Id = Guid.CreateVersion7(),
            WhatsAppNumberId = whatsAppNumberId,
            Field = Clip(field, MaxFieldLength)!,
            Event = Clip(eventName, MaxEventLength),
            RawJson = rawJson,
            ReceivedAt = now,
        };

    private static string? Clip(string? value, int length) => value is not null && value.Length > length ? value[..length] : value;
}
