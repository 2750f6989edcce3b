using System.Globalization;
using System.Text;
using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Webhooks;
using CleanAgent.Domain.Numbers;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Numbers.AddWhatsAppNumber;

public sealed record AddWhatsAppNumberCommand(
    string? PhoneNumber,
    string? DisplayName,
    string? PhoneNumberId,
    string? Status = null,
    Guid? AgentId = null,
    string? AppId = null,
    string? AppSecret = null,
    string? BusinessId = null,
    string? AccessToken = null,
    string? GraphApiVersion = null,
    int? MaxSendsPerSecond = null,
    string? WabaId = null,
    bool? IsSandbox = null,
    bool? CallsEnabled = null,
    CallHoursDto? CallHours = null) : ICommand<WhatsAppNumberDto>, IWhatsAppNumberFields
{
    /// <summary>Leaves the secrets and the phone number out, so that a logged command (MVC logs action arguments at Trace) never shows them.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"DisplayName = {DisplayName}, PhoneNumberId = {PhoneNumberId}, Status = {Status}, AgentId = {AgentId}, AppId = {AppId}, BusinessId = {BusinessId}, WabaId = {WabaId}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"GraphApiVersion = {GraphApiVersion}, MaxSendsPerSecond = {MaxSendsPerSecond}, AppSecretGiven = {!string.IsNullOrEmpty(AppSecret)}, AccessTokenGiven = {!string.IsNullOrEmpty(AccessToken)}, IsSandbox = {IsSandbox}, CallsEnabled = {CallsEnabled}, CallHours = {CallHours}");
        return true;
    }
}

internal sealed class AddWhatsAppNumberCommandHandler(
    IApplicationDbContext db, ISecretProtector protector, IPublicUrls urls, INumberDirectory directory, TimeProvider time)
    : ICommandHandler<AddWhatsAppNumberCommand, WhatsAppNumberDto>
{
    public async ValueTask<WhatsAppNumberDto> Handle(AddWhatsAppNumberCommand command, CancellationToken cancellationToken)
    {
        var phoneNumberId = command.PhoneNumberId!.Trim();
        if (await db.WhatsAppNumbers.AnyAsync(n => n.PhoneNumberId == phoneNumberId, cancellationToken))
        {
            throw new ConflictException($"A WhatsApp number with Phone Number ID {phoneNumberId} is already added.");
        }

        var number = WhatsAppNumber.Add(command.ToSettings(), time.GetUtcNow().UtcDateTime);
        number.StoreSecrets(command, protector);
        db.WhatsAppNumbers.Add(number);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two adds raced past the check above; the unique index kept one of them.
            throw new ConflictException($"A WhatsApp number with Phone Number ID {phoneNumberId} is already added.");
        }

        directory.Invalidate();
        return WhatsAppNumberDto.From(number, urls.WebhookUrl);
    }
}
