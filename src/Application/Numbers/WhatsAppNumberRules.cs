using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Numbers;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Numbers;

/// <summary>The fields of the guide's "Add WhatsApp Number" form, shared by add and update.</summary>
public interface IWhatsAppNumberFields
{
    string? PhoneNumber { get; }
    string? DisplayName { get; }
    string? PhoneNumberId { get; }
    string? Status { get; }
    Guid? AgentId { get; }
    string? AppId { get; }
    string? AppSecret { get; }
    string? BusinessId { get; }
    string? WabaId { get; }
    string? AccessToken { get; }
    string? GraphApiVersion { get; }
    int? MaxSendsPerSecond { get; }
    bool? IsSandbox { get; }
    bool? CallsEnabled { get; }
    CallHoursDto? CallHours { get; }
}

internal static class WhatsAppNumberRules
{
    /// <summary>Digits only, to the very end: <c>$</c> would also accept a trailing newline.</summary>
    private const string Digits = "^[0-9]+\\z";

    /// <summary>An explicit list: <c>Enum.TryParse</c> also takes "Active, Inactive" (flags) and numbers.</summary>
    private static NumberStatus? ParseStatus(string value) => value.Trim().ToLowerInvariant() switch
    {
        "active" => NumberStatus.Active,
        "inactive" => NumberStatus.Inactive,
        _ => null,
    };

    public static void AddNumberRules<T>(this AbstractValidator<T> validator, IApplicationDbContext db, TimeProvider time)
        where T : IWhatsAppNumberFields
    {
        validator.RuleFor(x => x.PhoneNumber).NotEmpty()
            .Must(p => Domain.Common.PhoneNumber.TryParse(p, out _))
            .WithMessage("'{PropertyValue}' is not a valid phone number; write it with its country code, e.g. +1-234-567-8900.")
            .WithName("Phone number").OverridePropertyName("phoneNumber");
        validator.RuleFor(x => x.DisplayName).NotEmpty().MaximumLength(200).WithName("Display name").OverridePropertyName("displayName");
        validator.RuleFor(x => x.PhoneNumberId).NotEmpty().MaximumLength(32)
            .Matches(Digits).WithMessage("Phone Number ID is the numeric id from WhatsApp → Getting Started, e.g. 123456789012345.")
            .WithName("Phone Number ID").OverridePropertyName("phoneNumberId");
        validator.RuleFor(x => x.BusinessId).MaximumLength(32)
            .Matches(Digits).When(x => !string.IsNullOrEmpty(x.BusinessId))
            .WithMessage("Business ID is the numeric id from Business Settings.")
            .WithName("Business ID").OverridePropertyName("businessId");
        validator.RuleFor(x => x.WabaId).MaximumLength(32)
            .Matches(Digits).When(x => !string.IsNullOrEmpty(x.WabaId))
            .WithMessage("WhatsApp Business Account ID is the numeric id from WhatsApp → API Setup, e.g. 102290129340398.")
            .WithName("WhatsApp Business Account ID").OverridePropertyName("wabaId");
        validator.RuleFor(x => x.AppId).MaximumLength(32)
            .Matches(Digits).When(x => !string.IsNullOrEmpty(x.AppId))
            .WithMessage("App ID is the numeric id from Settings → Basic.")
            .WithName("App ID").OverridePropertyName("appId");
        validator.RuleFor(x => x.Status)
            .Must(s => s is null || ParseStatus(s) is not null)
            .WithMessage("Status must be 'Active' or 'Inactive'.")
            .WithName("Status").OverridePropertyName("status");
        validator.RuleFor(x => x.GraphApiVersion)
            .Must(v => string.IsNullOrEmpty(v) || Domain.Common.GraphApiVersion.HasValidShape(v))
            .WithMessage("Graph API version must look like v24.0.")
            .Must(v => string.IsNullOrEmpty(v) || !Domain.Common.GraphApiVersion.IsExpired(v, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)))
            .WithMessage(v => $"Graph API version {v.GraphApiVersion} has expired; use {Domain.Common.GraphApiVersion.Default} or later.")
            .WithName("Graph API version").OverridePropertyName("graphApiVersion");
        validator.RuleFor(x => x.MaxSendsPerSecond).InclusiveBetween(1, 1000)
            .WithMessage("Max sends per second must be between 1 and 1000 (Meta's default throughput is 80; coexistence numbers are held to 20).")
            .WithName("Max sends per second").OverridePropertyName("maxSendsPerSecond");
        validator.RuleFor(x => x.AppSecret).MaximumLength(256).WithName("App Secret").OverridePropertyName("appSecret");
        validator.RuleFor(x => x.AccessToken).MaximumLength(4096).WithName("Access token").OverridePropertyName("accessToken");
        validator.RuleFor(x => x.CallHours).Custom((hours, context) => CheckCallHours(hours, (name, error) => context.AddFailure(name, error)));
        validator.RuleFor(x => x.AgentId)
            .MustAsync(async (id, ct) => id is null || await db.Agents.AnyAsync(a => a.Id == id, ct))
            .WithMessage("No agent has the id '{PropertyValue}'.")
            .WithName("Agent").OverridePropertyName("agentId");
    }

    public static WhatsAppNumberSettings ToSettings(this IWhatsAppNumberFields fields) => new(
        Domain.Common.PhoneNumber.Parse(fields.PhoneNumber),
        fields.DisplayName!,
        fields.PhoneNumberId!,
        fields.Status is null ? NumberStatus.Active : ParseStatus(fields.Status) ?? throw new ArgumentException("Unknown status.", nameof(fields)),
        fields.AgentId,
        fields.AppId,
        fields.BusinessId,
        fields.GraphApiVersion,
        fields.MaxSendsPerSecond,
        fields.WabaId,
        fields.IsSandbox ?? false,
        fields.CallsEnabled ?? false,
        fields.CallHours?.ToDomain());


    /// <summary>Each mistake is named by its JSON path (<c>callHours.ranges[1].from</c>), so a form can put it beside its field.</summary>
    private static void CheckCallHours(CallHoursDto? hours, Action<string, string> fail)
    {
        if (hours?.Ranges is not { Count: > 0 } ranges)
        {
            return; // none: calls at any time
        }

        if (!Domain.Numbers.CallHours.IsKnownTimeZone(hours.TimeZone))
        {
            fail("callHours.timeZone", string.IsNullOrWhiteSpace(hours.TimeZone)
                ? "Call hours need an IANA time zone, e.g. Europe/Rome or America/New_York."
                : $"'{Clip(hours.TimeZone)}' is not an IANA time zone this server knows; write e.g. Europe/Rome or America/New_York.");
        }

        if (ranges.Count > Domain.Numbers.CallHours.MaxRanges)
        {
            fail("callHours.ranges", $"Call hours take at most {Domain.Numbers.CallHours.MaxRanges} ranges.");
            return;
        }

        for (var i = 0; i < ranges.Count; i++)
        {
            var path = $"callHours.ranges[{i}]";
            var range = ranges[i];
            if (range is null)
            {
                fail(path, "A range needs days, from and to.");
                continue;
            }

            if (range.Days is not { Count: > 0 })
            {
                fail(path + ".days", "Name at least one day: Monday … Sunday (or Mon … Sun).");
            }
            else if (range.Days.FirstOrDefault(d => !Domain.Numbers.CallHours.TryParseDay(d, out _)) is { } bad)
            {
                fail(path + ".days", $"'{Clip(bad)}' is not a day; write Monday … Sunday (or Mon … Sun).");
            }

            var fromOk = Domain.Numbers.CallHours.TryParseTime(range.From, out var from);
            var toOk = Domain.Numbers.CallHours.TryParseTime(range.To, out var to);
            if (!fromOk)
            {
                fail(path + ".from", $"'{Clip(range.From)}' is not a time; write it as 24-hour HH:mm, e.g. 09:00.");
            }

            if (!toOk)
            {
                fail(path + ".to", $"'{Clip(range.To)}' is not a time; write it as 24-hour HH:mm, e.g. 18:00.");
            }
            else if (fromOk && from == to)
            {
                fail(path + ".to", "The range ends when it starts; for a range past midnight write e.g. from 22:00 to 02:00.");
            }
        }
    }

    private static string Clip(string? value) => value is null ? string.Empty : value.Length > 64 ? value[..64] + "…" : value;

    public static void StoreSecrets(this WhatsAppNumber number, IWhatsAppNumberFields fields, ISecretProtector protector)
    {
        if (!string.IsNullOrEmpty(fields.AppSecret))
        {
            number.ReplaceAppSecret(protector.Protect(fields.AppSecret));
        }

        if (!string.IsNullOrEmpty(fields.AccessToken))
        {
            var token = fields.AccessToken;
            number.ReplaceAccessToken(protector.Protect(token), token.Length > 8 ? token[^4..] : null);
        }
    }
}
