using FluentValidation;
using Microsoft.AspNetCore.Components.Forms;

namespace CleanAgent.WebApi.Components.Shared;

/// <summary>Puts the Application validators' messages (the same the API returns) next to the form's fields.</summary>
internal static class ServerErrors
{
    public static void Show(this ValidationMessageStore store, EditContext context, ValidationException exception)
    {
        foreach (var error in exception.Errors)
        {
            var name = error.PropertyName;
            var (fieldName, message) = FormField(name, error.ErrorMessage);
            var field = string.IsNullOrEmpty(fieldName) ? new FieldIdentifier(context.Model, string.Empty) : context.Field(fieldName);
            store.Add(field, message);
        }

        context.NotifyValidationStateChanged();
    }

    /// <summary>
    /// The form field an API path belongs to: <c>phoneNumber</c> → <c>PhoneNumber</c>; the call hours' parts
    /// (<c>callHours.ranges[1].from</c>) go to the one text box of lines, saying which line.
    /// </summary>
    private static (string Field, string Message) FormField(string name, string message)
    {
        if (string.IsNullOrEmpty(name))
        {
            return (string.Empty, message);
        }

        if (name == "callHours.timeZone")
        {
            return ("CallHoursTimeZone", message);
        }

        if (name.StartsWith("callHours.ranges[", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(17, name.IndexOf(']', StringComparison.Ordinal) - 17), System.Globalization.CultureInfo.InvariantCulture, out var index))
        {
            return ("CallHours", $"Line {index + 1}: {message}");
        }

        if (name.StartsWith("callHours", StringComparison.Ordinal))
        {
            return ("CallHours", message);
        }

        return (char.ToUpperInvariant(name[0]) + name[1..], message);
    }
}
