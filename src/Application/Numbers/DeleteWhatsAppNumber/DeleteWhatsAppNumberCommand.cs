using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Webhooks;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Numbers.DeleteWhatsAppNumber;

/// <summary>Removes a number with its conversations and messages.</summary>
public sealed record DeleteWhatsAppNumberCommand(Guid Id) : ICommand;

internal sealed class DeleteWhatsAppNumberCommandHandler(IApplicationDbContext db, INumberDirectory directory) : ICommandHandler<DeleteWhatsAppNumberCommand>
{
    public async ValueTask<Unit> Handle(DeleteWhatsAppNumberCommand command, CancellationToken cancellationToken)
    {
        var number = await db.WhatsAppNumbers.FindAsync([command.Id], cancellationToken)
            ?? throw new NotFoundException("WhatsApp number", command.Id);
        // Conversations and their messages go with the number in the same statement (ON DELETE CASCADE).
        await db.PendingStatusUpdates.Where(s => s.WhatsAppNumberId == command.Id).ExecuteDeleteAsync(cancellationToken);
        db.WhatsAppNumbers.Remove(number);
        await db.SaveChangesAsync(cancellationToken);
        directory.Invalidate();
        return Unit.Value;
    }
}
