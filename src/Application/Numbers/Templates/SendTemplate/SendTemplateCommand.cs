using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Conversations;
using CleanAgent.Domain.Common;
using CleanAgent.Domain.Conversations;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Numbers.Templates.SendTemplate;

/// <summary>
/// Sends an approved template, the one message WhatsApp allows outside the 24-hour window: to an existing conversation
/// of the number, or to a new customer given as an E.164 phone number (which starts a conversation). Everything is
/// checked before anything is sent: the template exists and is approved, the values fit its placeholders, a marketing
/// template does not go to a customer who stopped marketing. It goes through the outbox like every outbound message.
/// </summary>
public sealed record SendTemplateCommand(
    Guid NumberId,
    string? To,
    Guid? ConversationId,
    string? TemplateName,
    string? LanguageCode,
    IReadOnlyList<string>? BodyParameters,
    IReadOnlyList<string>? HeaderParameters,
    string SentBy,
    string? IdempotencyKey = null) : ICommand<TemplateSentDto>;

internal sealed class SendTemplateCommandValidator : AbstractValidator<SendTemplateCommand>
{
    public SendTemplateCommandValidator()
    {
        RuleFor(x => x).Must(x => (x.To is null) != (x.ConversationId is null))
            .WithMessage("Give either 'to' (a phone number in E.164 form, e.g. +4915112345678) or 'conversationId', not both.").OverridePropertyName("to");
        RuleFor(x => x.To).Must(to => PhoneNumber.TryParse(to, out _))
            .When(x => x.To is not null && !LooksLikeUserId(x.To))
            .WithMessage("'to' must be a phone number in E.164 form, e.g. +4915112345678.").OverridePropertyName("to");
        RuleFor(x => x.To).Must(to => !LooksLikeUserId(to))
            .WithMessage("Templates are sent to phone numbers only: Meta's documentation available to us names no request field for sending a template to a business-scoped user id (BSUID).")
            .OverridePropertyName("to");
        RuleFor(x => x.TemplateName).NotEmpty().MaximumLength(512).OverridePropertyName("templateName");
        RuleFor(x => x.LanguageCode).NotEmpty().MaximumLength(16).OverridePropertyName("languageCode");
        RuleForEach(x => x.BodyParameters).NotNull().MaximumLength(1024).OverridePropertyName("bodyParameters");
        RuleForEach(x => x.HeaderParameters).NotNull().MaximumLength(2048).OverridePropertyName("headerParameters");
        RuleFor(x => x.IdempotencyKey).MaximumLength(Message.MaxIdempotencyKeyLength).OverridePropertyName("Idempotency-Key");
    }

    /// <summary>A business-scoped user id looks like <c>US.1234</c>: letters, a dot, then more.</summary>
    private static bool LooksLikeUserId(string? to) => to is not null && to.Contains('.', StringComparison.Ordinal) && char.IsAsciiLetter(to.TrimStart()[0]);
}

internal sealed class SendTemplateCommandHandler(
    IApplicationDbContext db, ITemplateCatalog catalog, ISecretProtector protector, IReplyScheduler scheduler, TimeProvider time)
    : ICommandHandler<SendTemplateCommand, TemplateSentDto>
{
    public async ValueTask<TemplateSentDto> Handle(SendTemplateCommand command, CancellationToken cancellationToken)
    {
        var number = await db.WhatsAppNumbers.AsNoTracking().FirstOrDefaultAsync(n => n.Id == command.NumberId, cancellationToken)
            ?? throw new NotFoundException("WhatsAppNumber", command.NumberId);
        if (await db.FindSentWithKeyAsync(number.Id, command.IdempotencyKey, cancellationToken) is { } earlier)
        {
            return new TemplateSentDto(await db.Messages.Where(m => m.Id == earlier.Id).Select(m => m.ConversationId).FirstAsync(cancellationToken), earlier);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var conversation = await FindOrStartAsync(command, now, cancellationToken);
        var templates = await catalog.LoadAsync(number, protector, refresh: false, cancellationToken);
        var template = templates.FirstOrDefault(t => t.Name == command.TemplateName && string.Equals(t.Language, command.LanguageCode, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid("templateName", $"The account has no template '{command.TemplateName}' in language '{command.LanguageCode}' (refresh the list if it was added lately).");
        if (!template.IsApproved)
        {
            throw new ConflictException($"The template '{template.Name}' ({template.Language}) is {template.Status}; only approved templates can be sent.");
        }

        if (template.IsMarketing && conversation.MarketingOptOut == true)
        {
            throw new ConflictException("The customer stopped marketing messages from this business; a marketing template is not sent to them.");
        }

        var headerValues = command.HeaderParameters ?? [];
        var bodyValues = command.BodyParameters ?? [];
        CheckValues(template, headerValues, bodyValues);
        var header = template.Components.FirstOrDefault(c => c.Type == "HEADER");
        var payload = new MessageTemplate(template.Name, template.Language, bodyValues.ToList(), headerValues.ToList(), header?.Format);
        var message = Message.OutboundTemplate(conversation, payload, Templates.Preview(template, headerValues, bodyValues), command.SentBy, command.IdempotencyKey, now);
        db.Messages.Add(message);
        var sent = await db.SaveOnceAsync(conversation, message, c =>
        {
            c.RequestReply(now);
            return Task.CompletedTask;
        }, scheduler, cancellationToken);
        return new TemplateSentDto(conversation.Id, sent);
    }

    private async Task<Conversation> FindOrStartAsync(SendTemplateCommand command, DateTime now, CancellationToken cancellationToken)
    {
        if (command.ConversationId is { } id)
        {
            var found = await db.Conversations.FirstOrDefaultAsync(c => c.Id == id && c.WhatsAppNumberId == command.NumberId, cancellationToken)
                ?? throw new NotFoundException("Conversation", id);
            return found.CustomerWaId is null
                ? throw Invalid("conversationId", "The customer of this conversation is known only by a business-scoped user id (BSUID); templates are sent to phone numbers only.")
                : found;
        }

        var waId = PhoneNumber.Parse(command.To).Value.TrimStart('+');
        var existing = await db.Conversations.FirstOrDefaultAsync(c => c.WhatsAppNumberId == command.NumberId && c.CustomerWaId == waId, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var started = Conversation.Start(command.NumberId, waId, null, now);
        db.Conversations.Add(started);
        return started;
    }

    /// <summary>The values must fill the template's placeholders exactly, before anything is sent.</summary>
    private static void CheckValues(TemplateInfo template, IReadOnlyList<string> headerValues, IReadOnlyList<string> bodyValues)
    {
        var header = template.Components.FirstOrDefault(c => c.Type == "HEADER");
        var body = template.Components.FirstOrDefault(c => c.Type == "BODY");
        var headerNeeds = header?.Parameters.Count ?? 0;
        var bodyNeeds = body?.Parameters.Count ?? 0;
        var errors = new List<ValidationFailure>();
        if (headerValues.Count != headerNeeds)
        {
            errors.Add(new("headerParameters", header?.IsMediaHeader == true
                ? $"The template's {header.Format} header needs 1 value (a link or a media id); {headerValues.Count} given."
                : $"The template's header needs {headerNeeds} value(s); {headerValues.Count} given."));
        }
        else if (header?.IsMediaHeader == true && string.IsNullOrWhiteSpace(headerValues[0]))
        {
            errors.Add(new("headerParameters", $"The template's {header.Format} header needs a link or a media id."));
        }

        if (bodyValues.Count != bodyNeeds)
        {
            errors.Add(new("bodyParameters", $"The template's body needs {bodyNeeds} value(s) ({string.Join(", ", body?.Parameters.Select(p => "{{" + p + "}}") ?? [])}); {bodyValues.Count} given."));
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    private static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);
}
