namespace CleanAgent.Application.Sandbox;

/// <summary>
/// Plays the customer of a sandbox number: delivers what they type as Meta would, a webhook signed with the number's
/// App Secret, through the real intake. The secret stays on the server.
/// </summary>
public interface IWhatsAppSimulator
{
    /// <summary>Delivers one text message from the customer; returns its wamid once the intake has stored it.</summary>
    Task<string> DeliverCustomerTextAsync(SimulatedCustomerText message, CancellationToken cancellationToken);
}

public sealed record SimulatedCustomerText(string PhoneNumberId, string DisplayPhoneNumber, string CustomerWaId, string CustomerName, string Text)
{
    public override string ToString() => $"SimulatedCustomerText {{ PhoneNumberId = {PhoneNumberId}, Length = {Text.Length} }}";
}
