using System.Security.Cryptography;
using System.Text;
using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Application.Common.Interfaces;
using CleanAgent.Application.Numbers;
using CleanAgent.Application.Webhooks;
using CleanAgent.Domain.Agents;
using CleanAgent.Domain.Common;
using CleanAgent.Domain.Numbers;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Application.Sandbox.StartSandbox;

/// <summary>
/// "Try it": the first sandbox number, or, when there is none, a new one linked to a sample agent with a small FAQ, so a
/// newcomer can talk to an agent with no Meta account.
/// </summary>
public sealed record StartSandboxCommand : ICommand<WhatsAppNumberDto>;

internal sealed class StartSandboxCommandHandler(
    IApplicationDbContext db, IKnowledgeFileReader reader, ISecretProtector protector, IPublicUrls urls, INumberDirectory directory, TimeProvider time)
    : ICommandHandler<StartSandboxCommand, WhatsAppNumberDto>
{
    public const string SampleAgentName = "Sample agent (sandbox)";
    public const string SampleKnowledgeFile = "sample-faq.csv";

    private const string SamplePrompt =
        "You are the friendly assistant of Corner Bakery. Answer briefly from the FAQ; if the FAQ does not say, offer to pass the question to the team.";

    private const string SampleFaq = """
        question,answer
        What are your opening hours?,"We are open Monday to Friday 8:00-18:00 and Saturday 9:00-14:00; closed on Sundays."
        Where are you?,"Corner Bakery, 12 Main Street, next to the station."
        Do you deliver?,"Yes, within 5 km for orders over 20 EUR; delivery takes about an hour."
        Do you have gluten-free bread?,"Yes, gluten-free loaves are baked every Tuesday and Friday."
        How can I pay?,"Cash, debit and credit cards, and mobile payments."
        """;

    public async ValueTask<WhatsAppNumberDto> Handle(StartSandboxCommand command, CancellationToken cancellationToken)
    {
        var existing = await db.WhatsAppNumbers.AsNoTracking().Where(n => n.IsSandbox).OrderBy(n => n.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return WhatsAppNumberDto.From(existing, urls.WebhookUrl);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var agent = Agent.Create(new AgentSettings(SampleAgentName, SamplePrompt), now);
        var faq = Encoding.UTF8.GetBytes(SampleFaq.ReplaceLineEndings("\n"));
        var content = reader.Read(faq, SampleKnowledgeFile, "text/csv", cancellationToken);
        var document = KnowledgeDocument.Create(agent.Id, SampleKnowledgeFile, content.ContentType, faq.Length, content.Chunks.Select(c => (c.Text, c.Tokens)), now);

        var number = WhatsAppNumber.Add(
            new WhatsAppNumberSettings(
                PhoneNumber.Parse("+1 650 555 0100"),
                "Sandbox",
                await FreePhoneNumberIdAsync(cancellationToken),
                NumberStatus.Active,
                agent.Id,
                AppId: null,
                BusinessId: null,
                GraphApiVersion: null,
                IsSandbox: true),
            now);
        // Only the simulator signs with it, on the server; nobody needs to know it.
        number.ReplaceAppSecret(protector.Protect(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))));

        db.Agents.Add(agent);
        db.KnowledgeDocuments.Add(document);
        db.WhatsAppNumbers.Add(number);
        await db.SaveChangesAsync(cancellationToken);
        directory.Invalidate();
        return WhatsAppNumberDto.From(number, urls.WebhookUrl);
    }

    /// <summary>Meta's ids are 15 digits; sandbox ones start with 999 so they are easy to tell apart in logs.</summary>
    private async Task<string> FreePhoneNumberIdAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var id = "999" + RandomNumberGenerator.GetInt32(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) + "000";
            if (!await db.WhatsAppNumbers.AnyAsync(n => n.PhoneNumberId == id, cancellationToken))
            {
                return id;
            }
        }
    }
}
