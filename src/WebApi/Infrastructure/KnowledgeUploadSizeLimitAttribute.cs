using CleanAgent.Application.Agents.Knowledge;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Filters;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// Like <c>[RequestSizeLimit]</c>, but a little above <c>Knowledge:MaxFileBytes</c> (read at run time),
/// so that a file just over the limit reaches the handler and gets our own 413 problem, and a far
/// larger body is cut off by the server before it is buffered.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class KnowledgeUploadSizeLimitAttribute : Attribute, IResourceFilter
{
    private const long MultipartOverhead = 64 * 1024;

    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var feature = context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            var reader = context.HttpContext.RequestServices.GetRequiredService<IKnowledgeFileReader>();
            feature.MaxRequestBodySize = reader.MaxFileBytes + MultipartOverhead;
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
