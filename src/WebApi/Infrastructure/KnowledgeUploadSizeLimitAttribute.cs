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
internal sealed class KnowledgeUploadSizeLimitAttribute : Attribute, IAsyncResourceFilter
{
    private const long MultipartOverhead = 64 * 1024;

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var http = context.HttpContext;
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = http.RequestServices.GetRequiredService<IKnowledgeFileReader>().MaxFileBytes + MultipartOverhead;
        }

        // Read the form here rather than in model binding, which would turn the server's
        // "body too large" into a 400 model error; from here it reaches the exception handler as 413.
        if (http.Request.HasFormContentType)
        {
            await ReadFormAsync(http);
        }

        await next();
    }

    /// <summary>A malformed form (no closing boundary, too many parts, a huge part header) is the sender's mistake: 400.</summary>
    private static async Task ReadFormAsync(HttpContext http)
    {
        try
        {
            await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (BadHttpRequestException)
        {
            throw; // the server's own verdict (413 past the size limit) stands
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !http.RequestAborted.IsCancellationRequested)
        {
            throw new BadHttpRequestException($"The multipart body could not be read: {ex.Message}", StatusCodes.Status400BadRequest, ex);
        }
    }
}
