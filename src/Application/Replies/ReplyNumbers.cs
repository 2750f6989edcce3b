using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Domain.Numbers;

namespace CleanAgent.Application.Replies;

internal static class ReplyNumbers
{
    /// <summary>What the sender port needs of a number, with its access token in clear for the call only.</summary>
    public static SenderNumber ToSender(this WhatsAppNumber number, ISecretProtector protector) => new(
        number.PhoneNumberId,
        number.GraphApiVersion,
        number.ProtectedAccessToken is null ? null : protector.Unprotect(number.ProtectedAccessToken));
}
