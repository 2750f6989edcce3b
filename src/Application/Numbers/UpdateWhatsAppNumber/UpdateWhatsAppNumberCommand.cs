using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Webhooks;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Numbers.UpdateWhatsAppNumber;

/// <summary>Replaces a number's settings. Omitted (null or empty) secrets keep the stored ones.</summary>
public sealed record UpdateWhatsAppNumberCommand(
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
    [JsonIgnore]
    public Guid Id { get; init; }

    /// <summary>Leaves the secrets and the phone number out, so that a logged command (MVC logs action arguments at Trace) never shows them.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"DisplayName = {DisplayName}, PhoneNumberId = {PhoneNumberId}, Status = {Status}, AgentId = {AgentId}, AppId = {AppId}, BusinessId = {BusinessId}, WabaId = {WabaId}, ");
        builder.Append(CultureInfo.InvariantCulture,
            $"GraphApiVersion = {GraphApiVersion}, MaxSendsPerSecond = {MaxSendsPerSecond}, AppSecretGiven = {!string.IsNullOrEmpty(AppSecret)}, AccessTokenGiven = {!string.IsNullOrEmpty(AccessToken)}, IsSandbox = {IsSandbox}, CallsEnabled = {CallsEnabled}, CallHours = {CallHours}, Id = {Id}");
        return true;
    }
}

internal sealed class UpdateWhatsAppNumberCommandHandler(
    IApplicationDbContext db, ISecretProtector protector, IPublicUrls urls, INumberDirectory directory, TimeProvider time)
    : ICommandHandler<UpdateWhatsAppNumberCommand, WhatsAppNumberDto>
{
    public async ValueTask<WhatsAppNumberDto> Handle(UpdateWhatsAppNumberCommand command, CancellationToken cancellationToken)
    {
        var number = await db.WhatsAppNumbers.FindAsync([command.Id], cancellationToken)
            ?? throw new NotFoundException("WhatsApp number", command.Id);
        var phoneNumberId = command.PhoneNumberId!.Trim();
        if (await db.WhatsAppNumbers.AnyAsync(n => n.PhoneNumberId == phoneNumberId && n.Id != command.Id, cancellationToken))
        {
            throw new ConflictException($"Another WhatsApp number already has Phone Number ID {phoneNumberId}.");
        }

        // Leaving isSandbox out keeps what the number is: an edit of a real number must not turn it into a simulator one, or back.
        number.Update(command.ToSettings() with
        {
            IsSandbox = command.IsSandbox ?? number.IsSandbox,
            CallsEnabled = command.CallsEnabled ?? number.CallsEnabled,
            CallHours = command.CallHours is null ? number.CallHours : command.CallHours.ToDomain(),
        }, time.GetUtcNow().UtcDateTime);
        number.StoreSecrets(command, protector);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException($"Another WhatsApp number already has Phone Number ID {phoneNumberId}.");
        }

        directory.Invalidate();
        return WhatsAppNumberDto.From(number, urls.WebhookUrl);
    }
}
