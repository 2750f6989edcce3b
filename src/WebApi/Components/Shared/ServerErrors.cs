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
            var field = string.IsNullOrEmpty(name) ? new FieldIdentifier(context.Model, string.Empty) : context.Field(char.ToUpperInvariant(name[0]) + name[1..]);
            store.Add(field, error.ErrorMessage);
        }

        context.NotifyValidationStateChanged();
    }
}
