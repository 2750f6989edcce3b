using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Sandbox.SimulateCustomerMessage;

/// <summary>The simulator's customer writes to a sandbox number; the message takes the real webhook path.</summary>
public sealed record SimulateCustomerMessageCommand(Guid WhatsAppNumberId, string? Text, string? CustomerWaId = null, string? CustomerName = null)
    : ICommand<SimulatedMessageDto>
{
    public const string DefaultCustomerWaId = "15550100001";
    public const string DefaultCustomerName = "Sandbox customer";

    public override string ToString() => $"SimulateCustomerMessageCommand {{ WhatsAppNumberId = {WhatsAppNumberId} }}";
}

/// <summary>Where the simulated message landed: the conversation to watch for the answer.</summary>
public sealed record SimulatedMessageDto(Guid ConversationId, string WhatsAppMessageId);

internal sealed class SimulateCustomerMessageCommandHandler(IApplicationDbContext db, IWhatsAppSimulator simulator)
    : ICommandHandler<SimulateCustomerMessageCommand, SimulatedMessageDto>
{
    public async ValueTask<SimulatedMessageDto> Handle(SimulateCustomerMessageCommand command, CancellationToken cancellationToken)
    {
        var number = await db.WhatsAppNumbers.AsNoTracking().FirstOrDefaultAsync(n => n.Id == command.WhatsAppNumberId, cancellationToken)
            ?? throw new NotFoundException("WhatsApp number", command.WhatsAppNumberId);
        if (!number.IsSandbox)
        {
            throw new ConflictException("Only a sandbox number can be tried in the simulator: a real number's customers are real people.");
        }

        var wamid = await simulator.DeliverCustomerTextAsync(
            new SimulatedCustomerText(
                number.PhoneNumberId,
                number.PhoneNumber.Value.TrimStart('+'),
                string.IsNullOrWhiteSpace(command.CustomerWaId) ? SimulateCustomerMessageCommand.DefaultCustomerWaId : command.CustomerWaId.Trim(),
                string.IsNullOrWhiteSpace(command.CustomerName) ? SimulateCustomerMessageCommand.DefaultCustomerName : command.CustomerName.Trim(),
                command.Text!),
            cancellationToken);
        var conversationId = await db.Messages.AsNoTracking()
            .Where(m => m.WhatsAppNumberId == number.Id && m.WhatsAppMessageId == wamid)
            .Select(m => m.ConversationId)
            .FirstAsync(cancellationToken);
        return new SimulatedMessageDto(conversationId, wamid);
    }
}
