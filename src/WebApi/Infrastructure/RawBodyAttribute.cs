using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// The action reads the raw body itself (a signature covers its bytes): MVC must not read it first as a form when the
/// sender claims a form content type, or the action finds the stream already at its end.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RawBodyAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var factories = context.ValueProviderFactories;
        for (var i = factories.Count - 1; i >= 0; i--)
        {
            if (factories[i] is FormValueProviderFactory or FormFileValueProviderFactory or JQueryFormValueProviderFactory)
            {
                factories.RemoveAt(i);
            }
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
