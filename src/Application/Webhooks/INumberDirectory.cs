using CleanAgent.Domain.Numbers;

namespace CleanAgent.Application.Webhooks;

/// <summary>
/// Finds the numbers a webhook is for, by Meta's phone_number_id, with their app secrets in clear.
/// Cached, because it stands before every acknowledgement to Meta.
/// </summary>
public interface INumberDirectory
{
    Task<IReadOnlyDictionary<string, KnownNumber>> FindAsync(IEnumerable<string> phoneNumberIds, CancellationToken cancellationToken);

    /// <summary>The numbers of WhatsApp Business Accounts (their WABA id, or Business ID when no WABA id is set).</summary>
    Task<IReadOnlyList<KnownNumber>> FindByAccountAsync(IEnumerable<string> accountIds, CancellationToken cancellationToken);

    /// <summary>Forgets what is cached, after a number was added, changed or removed.</summary>
    void Invalidate();
}

public sealed record KnownNumber(Guid Id, string PhoneNumberId, NumberStatus Status, string? AppSecret, string? AccountId = null, bool IsSandbox = false)
{
    public override string ToString() => $"KnownNumber {{ Id = {Id}, PhoneNumberId = {PhoneNumberId}, Status = {Status}, IsSandbox = {IsSandbox} }}";
}
