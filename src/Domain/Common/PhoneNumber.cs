using PhoneNumbers;

namespace CleanAgent.Domain.Common;

/// <summary>A phone number in E.164 form (<c>+12345678900</c>).</summary>
public sealed record PhoneNumber
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    private PhoneNumber(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse(string? input, out PhoneNumber? phoneNumber)
    {
        phoneNumber = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            return false;
        }

        var candidate = input.Trim();
        if (!candidate.StartsWith('+'))
        {
            // WhatsApp ids (wa_id) and many forms are written without the plus but always with the country code.
            candidate = "+" + candidate;
        }

        try
        {
            var parsed = Util.Parse(candidate, null);
            if (!Util.IsValidNumber(parsed))
            {
                return false;
            }

            phoneNumber = new PhoneNumber(Util.Format(parsed, PhoneNumberFormat.E164));
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    public static PhoneNumber Parse(string? input) =>
        TryParse(input, out var phoneNumber)
            ? phoneNumber!
            : throw new DomainException("phoneNumber", $"'{input}' is not a valid phone number with its country code, e.g. +1-234-567-8900.");

    /// <summary>Reads a value that was stored in E.164 form already.</summary>
    public static PhoneNumber FromStored(string e164) => new(e164);

    /// <summary>The number with all but the last four digits hidden, fit for logs.</summary>
    public string Masked => Value.Length <= 4 ? "****" : new string('*', Value.Length - 4) + Value[^4..];

    public override string ToString() => Value;
}
