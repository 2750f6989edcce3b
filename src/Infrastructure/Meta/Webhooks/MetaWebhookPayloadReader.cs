using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CleanAgent.Application.Webhooks;
using CleanAgent.Domain.Conversations;

namespace CleanAgent.Infrastructure.Meta.Webhooks;

/// <summary>
/// Reads Meta's WhatsApp Business Account webhook JSON. Lenient inside (a field of an odd type is
/// skipped, a message type we have never seen is kept by name), strict about the outer shape.
/// </summary>
internal sealed class MetaWebhookPayloadReader : IWebhookPayloadReader
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    // The columns' lengths (Persistence/Configurations); a test holds them equal to the model's.
    internal const int MaxTypeLength = 64;
    internal const int MaxIdLength = 256;
    internal const int MaxFileNameLength = 512;
    internal const int MaxErrorCodeLength = 32;
    internal const int MaxErrorTitleLength = 1000;
    internal const int MaxNameLength = 256;

    public WebhookPayload Read(ReadOnlyMemory<byte> body)
    {
        // JSON text is UTF-8 (RFC 8259); bytes that are not would otherwise surface as a failure deep inside a string read.
        if (!Utf8.IsValid(body.Span))
        {
            throw new InvalidWebhookPayloadException("The body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException ex)
        {
            // The parser's own message quotes the payload (property paths of any length): give only the position.
            throw new InvalidWebhookPayloadException($"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidWebhookPayloadException("The body must be a JSON object with \"object\": \"whatsapp_business_account\".");
            }

            if (Str(root, "object") != "whatsapp_business_account")
            {
                throw new InvalidWebhookPayloadException("Only \"object\": \"whatsapp_business_account\" webhooks are accepted here.");
            }

            if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidWebhookPayloadException("The payload has no \"entry\" array.");
            }

            var changes = new List<WebhookChange>();
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("changes", out var entryChanges) ||
                    entryChanges.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                var accountId = Str(entry, "id");
                foreach (var change in entryChanges.EnumerateArray())
                {
                    if (change.ValueKind == JsonValueKind.Object)
                    {
                        changes.Add(ReadChange(change, accountId));
                    }
                }
            }

            return new WebhookPayload(changes);
        }
    }

    private static WebhookChange ReadChange(JsonElement change, string? accountId)
    {
        var field = Str(change, "field") ?? "unknown";
        if (!change.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object)
        {
            return new WebhookChange(field, null, accountId, [], [], [], []) { RawValue = change.TryGetProperty("value", out var odd) ? odd.GetRawText() : "null" };
        }

        var metadata = value.TryGetProperty("metadata", out var m) ? m : default;
        var phoneNumberId = Str(metadata, "phone_number_id");
        var businessNumber = Digits(Str(metadata, "display_phone_number"));
        var statuses = Objects(value, "statuses").ToList();
        var messages = Objects(value, "messages").Select(ReadMessage)
            .Concat(Objects(value, "message_echoes").Select(e => ReadMessage(e) with { Origin = WebhookMessageOrigin.BusinessApp, FromCustomer = false, To = Str(e, "to"), ToUserId = Str(e, "to_user_id") }))
            .Concat(Objects(value, "history").SelectMany(ReadHistory))
            .ToList();
        var read = new WebhookChange(
            field,
            phoneNumberId,
            accountId,
            Objects(value, "contacts").Select(ReadContact).ToList(),
            messages,
            statuses.Where(s => Str(s, "type") != "call").Select(ReadStatus).ToList(),
            Objects(value, "errors").Concat(Objects(value, "history").SelectMany(h => Objects(h, "errors"))).Select(DescribeError).ToList())
        {
            Calls = Objects(value, "calls").Select(c => ReadCall(c, businessNumber))
                .Concat(statuses.Where(s => Str(s, "type") == "call").Select(ReadCallStatus)).ToList(),
            UserPreferences = Objects(value, "user_preferences").Select(p => new WebhookUserPreference(
                Str(p, "wa_id"), Str(p, "user_id"), Str(p, "category"), Str(p, "value"), Timestamp(p))).ToList(),
            EventName = Str(value, "event"),
        };
        return read.IsConversationField ? read : read with { RawValue = value.GetRawText() };
    }

    /// <summary>History threads: a message from the thread's customer is theirs; any other was sent by the business.</summary>
    private static IEnumerable<WebhookMessage> ReadHistory(JsonElement history) =>
        Objects(history, "threads").SelectMany(thread =>
        {
            var customer = Str(thread, "id");
            return Objects(thread, "messages").Select(message =>
            {
                var read = ReadMessage(message);
                var fromCustomer = customer is null || read.From == customer;
                var status = message.TryGetProperty("history_context", out var context) ? MessageStatusRules.FromMeta(Str(context, "status")) : null;
                return read with
                {
                    Origin = WebhookMessageOrigin.History,
                    FromCustomer = fromCustomer,
                    From = fromCustomer ? read.From ?? customer : read.From,
                    To = fromCustomer ? null : Str(message, "to") ?? customer,
                    HistoryStatus = status,
                };
            });
        });

    private static WebhookCall ReadCall(JsonElement call, string? businessNumber)
    {
        var direction = Str(call, "direction");
        var from = Str(call, "from");
        var customerCalled = direction is not null
            ? !direction.StartsWith("BUSINESS", StringComparison.OrdinalIgnoreCase)
            : businessNumber is null || Digits(from) != businessNumber;
        var isConnect = Str(call, "event") == "connect";
        var status = Str(call, "status")?.ToLowerInvariant() ?? (isConnect && customerCalled ? "ringing" : null);
        var duration = int.TryParse(Str(call, "duration"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? seconds : (int?)null;
        var raw = call.GetRawText();
        return new WebhookCall(
            Str(call, "id"),
            customerCalled ? from : Str(call, "to"),
            customerCalled ? Str(call, "from_user_id") : Str(call, "to_user_id"),
            customerCalled,
            Timestamp(call),
            status,
            duration,
            raw,
            isConnect ? raw : null)
        {
            Event = Str(call, "event"),
            SdpOffer = isConnect && call.TryGetProperty("session", out var session) && session.ValueKind == JsonValueKind.Object
                && Str(session, "sdp_type") is null or "offer" ? Str(session, "sdp") : null,
        };
    }

    /// <summary>A ringing, accepted or rejected status of a call the business placed.</summary>
    private static WebhookCall ReadCallStatus(JsonElement status) =>
        new(Str(status, "id"), Str(status, "recipient_id"), Str(status, "recipient_user_id"), CustomerCalled: false, Timestamp(status),
            Str(status, "status")?.ToLowerInvariant(), null, status.GetRawText(), null);

    private static string? Digits(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var digits = new string(value.Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 0 ? null : digits;
    }

    private static WebhookContact ReadContact(JsonElement contact)
    {
        var profile = contact.TryGetProperty("profile", out var p) ? p : default;
        return new WebhookContact(Str(contact, "wa_id"), Str(contact, "user_id"), Clip(Str(profile, "name") ?? Str(profile, "username"), MaxNameLength))
        {
            Username = Str(profile, "username"),
            ParentUserId = Str(contact, "parent_user_id"),
        };
    }

    private static WebhookStatus ReadStatus(JsonElement status)
    {
        var error = Objects(status, "errors").Select(e => (JsonElement?)e).FirstOrDefault();
        return new WebhookStatus(
            Str(status, "id"),
            Str(status, "status") ?? string.Empty,
            Timestamp(status),
            Str(status, "recipient_id") ?? Str(status, "recipient_user_id"),
            error is { } e ? Clip(Str(e, "code"), MaxErrorCodeLength) : null,
            error is { } e2 ? Clip(ErrorTitle(e2), MaxErrorTitleLength) : null);
    }

    private static WebhookMessage ReadMessage(JsonElement message)
    {
        var type = Str(message, "type") ?? "unknown";
        var content = type switch
        {
            "text" => new InboundContent { Type = type, RawJson = message.GetRawText(), Text = Nested(message, "text", "body") },
            "image" or "video" or "audio" or "voice" or "document" or "sticker" => Media(message, type),
            "location" => Location(message),
            "contacts" => Contacts(message),
            "interactive" => Interactive(message),
            "button" => new InboundContent
            {
                Type = type, RawJson = message.GetRawText(), Text = Nested(message, "button", "text") ?? Nested(message, "button", "payload"),
            },
            "reaction" => new InboundContent
            {
                Type = type, RawJson = message.GetRawText(), Text = Nested(message, "reaction", "emoji"),
                ContextMessageId = Nested(message, "reaction", "message_id"),
            },
            "order" => Order(message),
            "system" => new InboundContent { Type = type, RawJson = message.GetRawText(), Text = Nested(message, "system", "body") },
            "edit" => Edit(message),
            "revoke" => new InboundContent { Type = type, RawJson = message.GetRawText(), ContextMessageId = Nested(message, "revoke", "original_message_id") },
            _ => new InboundContent { Type = type, RawJson = message.GetRawText(), Text = Nested(message, type, "body") ?? Nested(message, "text", "body") },
        };

        if (message.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object)
        {
            content = content with
            {
                ContextMessageId = content.ContextMessageId ?? Str(context, "id"),
                IsForwarded = Bool(context, "forwarded") || Bool(context, "frequently_forwarded"),
            };
        }

        var error = Objects(message, "errors").Select(e => (JsonElement?)e).FirstOrDefault();
        if (error is { } e)
        {
            content = content with { ErrorCode = Str(e, "code"), ErrorTitle = ErrorTitle(e) };
        }

        content = Fit(content);
        return new WebhookMessage(Str(message, "id"), Str(message, "from"), Str(message, "from_user_id"), Timestamp(message), content)
        {
            RefersTo = type is "edit" or "revoke" ? content.ContextMessageId : null,
            IdentityChange = type == "system" ? IdentityChange(message) : null,
        };
    }

    /// <summary><c>user_changed_number</c> names the new wa_id (older payloads: <c>new_wa_id</c>); <c>user_changed_user_id</c> both user ids.</summary>
    private static WebhookIdentityChange? IdentityChange(JsonElement message)
    {
        if (!message.TryGetProperty("system", out var system) || system.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return Str(system, "type") switch
        {
            "user_changed_number" when (Str(system, "new_wa_id") ?? Str(system, "wa_id")) is { } newWaId =>
                new WebhookIdentityChange(Str(message, "from"), newWaId, null, null),
            "user_changed_user_id" when Str(system, "user_id") is { } newUserId =>
                new WebhookIdentityChange(null, null, Str(system, "previous_user_id") ?? Str(message, "from_user_id"), newUserId),
            _ => null,
        };
    }

    /// <summary>The edited message's new content; it names the message it replaces in <c>original_message_id</c>.</summary>
    private static InboundContent Edit(JsonElement message)
    {
        message.TryGetProperty("edit", out var edit);
        var inner = edit.ValueKind == JsonValueKind.Object && edit.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var innerType = Str(inner, "type") ?? "text";
        var text = Nested(inner, "text", "body") ?? Nested(inner, innerType, "caption") ?? Nested(inner, innerType, "body");
        return new InboundContent { Type = "edit", RawJson = message.GetRawText(), Text = text, ContextMessageId = Str(edit, "original_message_id") };
    }

    private static InboundContent Media(JsonElement message, string type)
    {
        message.TryGetProperty(type, out var media);
        var isObject = media.ValueKind == JsonValueKind.Object;
        var caption = isObject ? Str(media, "caption") : null;
        return new InboundContent
        {
            Type = type,
            RawJson = message.GetRawText(),
            Text = caption,
            Caption = caption,
            MediaId = isObject ? Str(media, "id") : null,
            MediaUrl = isObject ? Str(media, "url") : null,
            MimeType = isObject ? Str(media, "mime_type") : null,
            Sha256 = isObject ? Str(media, "sha256") : null,
            FileName = isObject ? Str(media, "filename") : null,
            IsVoice = type == "voice" || (isObject && Bool(media, "voice")),
        };
    }

    private static InboundContent Location(JsonElement message)
    {
        message.TryGetProperty("location", out var location);
        var parts = location.ValueKind == JsonValueKind.Object
            ? new[] { Str(location, "name"), Str(location, "address") }.Where(p => !string.IsNullOrWhiteSpace(p)).ToList()
            : [];
        if (parts.Count == 0 && location.ValueKind == JsonValueKind.Object)
        {
            parts.Add($"{Str(location, "latitude")}, {Str(location, "longitude")}");
        }

        return new InboundContent { Type = "location", RawJson = message.GetRawText(), Text = parts.Count == 0 ? null : string.Join(", ", parts) };
    }

    private static InboundContent Contacts(JsonElement message)
    {
        var shared = Objects(message, "contacts").Select(c =>
        {
            var name = c.TryGetProperty("name", out var n) ? Str(n, "formatted_name") ?? Str(n, "first_name") : null;
            var phone = Objects(c, "phones").Select(p => Str(p, "phone") ?? Str(p, "wa_id")).FirstOrDefault(p => p is not null);
            return string.Join(" ", new[] { name, phone is null ? null : $"({phone})" }.Where(p => p is not null));
        }).Where(s => s.Length > 0).ToList();
        return new InboundContent { Type = "contacts", RawJson = message.GetRawText(), Text = shared.Count == 0 ? null : string.Join("; ", shared) };
    }

    private static InboundContent Interactive(JsonElement message)
    {
        message.TryGetProperty("interactive", out var interactive);
        string? text = null;
        if (interactive.ValueKind == JsonValueKind.Object)
        {
            var kind = Str(interactive, "type");
            text = kind switch
            {
                "button_reply" => Nested(interactive, "button_reply", "title"),
                "list_reply" => Nested(interactive, "list_reply", "title") is { } title
                    ? Nested(interactive, "list_reply", "description") is { } description ? $"{title} ({description})" : title
                    : null,
                "nfm_reply" => Nested(interactive, "nfm_reply", "body") ?? Nested(interactive, "nfm_reply", "response_json"),
                _ => null,
            };
        }

        return new InboundContent { Type = "interactive", RawJson = message.GetRawText(), Text = text };
    }

    private static InboundContent Order(JsonElement message)
    {
        message.TryGetProperty("order", out var order);
        string? text = null;
        if (order.ValueKind == JsonValueKind.Object)
        {
            var items = Objects(order, "product_items").ToList();
            var summary = $"order of {items.Count} item(s)";
            text = Str(order, "text") is { Length: > 0 } note ? $"{summary}: {note}" : summary;
        }

        return new InboundContent { Type = "order", RawJson = message.GetRawText(), Text = text };
    }

    private static string DescribeError(JsonElement error)
    {
        var builder = new StringBuilder();
        if (Str(error, "code") is { } code)
        {
            builder.Append(code).Append(": ");
        }

        builder.Append(ErrorTitle(error) ?? "unknown error");
        if (error.TryGetProperty("error_data", out var data) && Str(data, "details") is { } details)
        {
            builder.Append(" (").Append(details).Append(')');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Clips what a message carries to its column (PostgreSQL and SQL Server refuse a longer value, and a refused delivery
    /// would fail on every redelivery with its good messages). The ids a message is stored and found by (wamid, sender)
    /// are not clipped: a message whose own id is too long is skipped, a sender too long for a key gets the placeholder
    /// customer (<see cref="Conversation.UnidentifiedCustomerKey"/>).
    /// </summary>
    private static InboundContent Fit(InboundContent content) =>
        content with
        {
            Type = Clip(content.Type, MaxTypeLength)!,
            MediaId = Clip(content.MediaId, MaxIdLength),
            MimeType = Clip(content.MimeType, MaxIdLength),
            Sha256 = Clip(content.Sha256, MaxIdLength),
            FileName = Clip(content.FileName, MaxFileNameLength),
            ContextMessageId = Clip(content.ContextMessageId, Message.MaxWhatsAppMessageIdLength),
            ErrorCode = Clip(content.ErrorCode, MaxErrorCodeLength),
            ErrorTitle = Clip(content.ErrorTitle, MaxErrorTitleLength),
        };

    private static string? Clip(string? value, int maxLength) => value is null || value.Length <= maxLength ? value : value[..maxLength];

    private static string? ErrorTitle(JsonElement error) => Str(error, "title") ?? Str(error, "message");

    private static DateTime? Timestamp(JsonElement element)
    {
        var raw = Str(element, "timestamp");
        if (raw is null || !long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ||
            seconds < 0 || seconds > 253_402_300_799)
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
    }

    private static IEnumerable<JsonElement> Objects(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    private static string? Nested(JsonElement parent, string objectName, string property) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(objectName, out var inner) ? Str(inner, property) : null;

    /// <summary>A property as text, whether Meta sent it as a string or as a number.</summary>
    private static string? Str(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => Decode(value),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    /// <summary>
    /// A JSON string as .NET text. A string that escapes half of a surrogate pair (<c>"\ud83d"</c>) is valid JSON but
    /// not valid text: each lone half becomes U+FFFD, so one odd field never costs the delivery its other messages.
    /// PostgreSQL text cannot hold U+0000 either; it becomes U+FFFD too.
    /// </summary>
    private static string? Decode(JsonElement value)
    {
        try
        {
            return value.GetString()?.Replace('\0', '\uFFFD');
        }
        catch (InvalidOperationException)
        {
            var repaired = ReplaceLoneSurrogateEscapes(value.GetRawText());
            try
            {
                return JsonSerializer.Deserialize<string>(repaired)?.Replace('\0', '\uFFFD');
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    private static string ReplaceLoneSurrogateEscapes(string quoted)
    {
        var builder = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] != '\\' || i + 1 >= quoted.Length)
            {
                builder.Append(quoted[i]);
                continue;
            }

            if (quoted[i + 1] != 'u' || !TryEscapedUnit(quoted, i, out var unit))
            {
                builder.Append(quoted, i, 2);
                i++;
                continue;
            }

            if (char.IsHighSurrogate(unit) && TryEscapedUnit(quoted, i + 6, out var next) && char.IsLowSurrogate(next))
            {
                builder.Append(quoted, i, 12);
                i += 11;
            }
            else
            {
                builder.Append(char.IsSurrogate(unit) ? "\\ufffd" : quoted.Substring(i, 6));
                i += 5;
            }
        }

        return builder.ToString();
    }

    private static bool TryEscapedUnit(string text, int at, out char unit)
    {
        unit = default;
        if (at + 6 > text.Length || text[at] != '\\' || text[at + 1] != 'u' ||
            !ushort.TryParse(text.AsSpan(at + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            return false;
        }

        unit = (char)code;
        return true;
    }

    private static bool Bool(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) &&
        (value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && Decode(value) == "true"));
}
