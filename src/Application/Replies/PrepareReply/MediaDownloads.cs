using System.Security.Cryptography;
using CleanAgent.Application.Media;
using CleanAgent.Domain.Conversations;
using Microsoft.Extensions.Options;

namespace CleanAgent.Application.Replies.PrepareReply;

/// <summary>
/// Fetches one inbound message's file: a fresh url from Meta's media endpoint (urls live about five minutes and are
/// never kept; a url that stopped working gets one fresh one), the type and size checked before the file is read in
/// full, the checksum checked after, then kept in the media store.
/// </summary>
internal sealed class MediaDownloads(IWhatsAppMediaClient client, IMediaStore store, IOptions<MediaOptions> options)
{
    public async Task<MediaOutcome> FetchAsync(SenderNumber number, Message message, CancellationToken cancellationToken)
    {
        var maxBytes = MediaRules.MaxBytesFor(message.Type, options.Value.MaxBytes);
        var mimeType = message.MimeType;
        var sha256 = message.Sha256;
        for (var freshUrls = 0; ; freshUrls++)
        {
            string url;
            if (message.MediaId is { } mediaId)
            {
                switch (await client.LookUpAsync(number, mediaId, cancellationToken))
                {
                    case MediaLookup.Failed failed:
                        return Failure(failed.Failure);
                    case MediaLookup.Found found:
                        mimeType = found.MimeType ?? mimeType;
                        sha256 = found.Sha256 ?? sha256; // the media endpoint's value is preferred to the webhook's
                        if (found.FileSize > maxBytes)
                        {
                            return TooLarge(found.FileSize, maxBytes);
                        }

                        url = found.Url;
                        break;
                    default:
                        throw new InvalidOperationException("Unknown media lookup result.");
                }
            }
            else
            {
                url = message.MediaUrl ?? throw new InvalidOperationException("A media message without id or url awaits no file.");
            }

            if (!MediaRules.Allows(message.Type, mimeType))
            {
                return new MediaOutcome.Refused($"Meta does not allow '{mimeType}' in {message.Type} messages; kept as metadata only.", null);
            }

            switch (await client.FetchAsync(number, url, maxBytes, cancellationToken))
            {
                case MediaFetch.Expired when message.MediaId is not null && freshUrls == 0:
                    continue;
                case MediaFetch.Expired expired:
                    return new MediaOutcome.Refused($"The media url no longer works ({expired.Reason}).", null);
                case MediaFetch.TooLarge tooLarge:
                    return TooLarge(tooLarge.SizeBytes, maxBytes);
                case MediaFetch.Failed failed:
                    return Failure(failed.Failure);
                case MediaFetch.Fetched fetched:
                    return await KeepAsync(fetched.Bytes, fetched.MimeType ?? mimeType, sha256, cancellationToken);
            }
        }
    }

    private async Task<MediaOutcome> KeepAsync(byte[] bytes, string? mimeType, string? sha256, CancellationToken cancellationToken)
    {
        if (MediaRules.DecodeSha256(sha256) is { } expected && !SHA256.HashData(bytes).AsSpan().SequenceEqual(expected))
        {
            return new MediaOutcome.Refused("The file's sha256 does not match the one Meta gave; it was not stored.", bytes.LongLength);
        }

        var key = await store.SaveAsync(bytes, cancellationToken);
        return new MediaOutcome.Stored(key, bytes.LongLength, mimeType);
    }

    private static MediaOutcome TooLarge(long? size, long maxBytes) =>
        new MediaOutcome.Refused($"The file is larger than {maxBytes} bytes (Meta's limit for its type or Media:MaxBytes); kept as metadata only.", size);

    private static MediaOutcome Failure(MediaFailure failure) =>
        failure.Retryable
            ? new MediaOutcome.Retry($"{failure.Code}: {failure.Reason}", failure.RetryAfter)
            : new MediaOutcome.Refused($"Meta refused the media ({failure.Code}: {failure.Reason}).", null);
}

internal abstract record MediaOutcome
{
    private MediaOutcome()
    {
    }

    public sealed record Stored(string Key, long SizeBytes, string? MimeType) : MediaOutcome;

    public sealed record Refused(string Reason, long? SizeBytes) : MediaOutcome;

    public sealed record Retry(string Reason, TimeSpan? RetryAfter) : MediaOutcome;
}
