using CleanAgent.Application.Media;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// The body limit of an operator's file: a little above the largest file WhatsApp sends (<c>Media:MaxBytes</c>, at most
/// Meta's 100 MB), so that a file over its kind's limit reaches the handler and gets our own 413 problem, and a far
/// larger body is cut off by the server before it is buffered. The form is read here, as for knowledge files, so the
/// server's "too large" stays a 413 and a malformed form is a 400.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class OperatorMediaSizeLimitAttribute : Attribute, IAsyncResourceFilter
{
    private const long MultipartOverhead = 64 * 1024;

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var http = context.HttpContext;
        var maxBytes = MediaRules.MaxBytesFor("document", http.RequestServices.GetRequiredService<IOptions<MediaOptions>>().Value.MaxBytes) + MultipartOverhead;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes;
        }

        if (http.Request.HasFormContentType)
        {
            try
            {
                await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = maxBytes }, http.RequestAborted);
            }
            catch (BadHttpRequestException)
            {
                throw;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException && !http.RequestAborted.IsCancellationRequested)
            {
                throw new BadHttpRequestException($"The multipart body could not be read: {ex.Message}", StatusCodes.Status400BadRequest, ex);
            }
        }

        await next();
    }
}
