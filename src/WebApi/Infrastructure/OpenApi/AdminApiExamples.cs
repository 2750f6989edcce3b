namespace CleanAgent.WebApi.Infrastructure.OpenApi;

/// <summary>Request bodies as an integrator would send them, by operationId.</summary>
internal static class AdminApiExamples
{
    private const string Number = """
        {
          "phoneNumber": "+1 234 567 8900",
          "displayName": "Support WhatsApp",
          "phoneNumberId": "123456789012345",
          "status": "Active",
          "agentId": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
          "appId": "1234567890",
          "appSecret": "<the app secret>",
          "businessId": "1234567890",
          "accessToken": "<a system user access token>",
          "graphApiVersion": "v24.0",
          "callsEnabled": true,
          "callHours": {
            "timeZone": "Europe/Rome",
            "ranges": [
              { "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], "from": "09:00", "to": "18:00" },
              { "days": ["Saturday"], "from": "10:00", "to": "13:00" }
            ]
          }
        }
        """;

    private const string Agent = """
        {
          "name": "Support",
          "prompt": "You are the friendly support agent of Acme. Answer briefly.",
          "llmModel": "gpt-4o-mini",
          "fallbackReply": "Sorry, I don't know that yet. A colleague will get back to you.",
          "handoffPhrases": ["human", "agent", "person"],
          "handoffMessage": "A colleague will answer you here shortly.",
          "knowledgeLanguage": "auto",
          "ttsVoice": "alloy",
          "voiceReplies": "WhenCustomerSpeaks",
          "acceptsImages": true
        }
        """;

    public static readonly IReadOnlyDictionary<string, string> Requests = new Dictionary<string, string>
    {
        ["CreateAgent"] = Agent,
        ["UpdateAgent"] = Agent,
        ["AddWhatsAppNumber"] = Number,
        ["UpdateWhatsAppNumber"] = Number,
        ["HandOffConversation"] = """{ "reason": "Complaint about a delivery" }""",
        ["SendConversationMessage"] = """{ "text": "Hello Ana, this is Maria from the team. Your order leaves today." }""",
        ["SendMessageTemplate"] = """{ "to": "+4915112345678", "templateName": "order_update", "languageCode": "de", "bodyParameters": ["Ana", "4711"] }""",
        ["SimulateCustomerMessage"] = """{ "text": "What are your opening hours?", "customerWaId": "15551234567", "customerName": "Ana" }""",
    };
}
