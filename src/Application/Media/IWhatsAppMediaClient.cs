using CleanAgent.Application.Replies;

namespace CleanAgent.Application.Media;

/// <summary>
/// Meta's media endpoints, with one number's own credentials: look a media id up (its short-lived url, type, checksum and
/// size), fetch a url, and upload a file to send. Sandbox numbers get the simulated Graph API's answers.
/// </summary>
public interface IWhatsAppMediaClient
{
    /// <summary><c>GET /{version}/{media-id}</c>: where the file is now and what Meta says it is.</summary>
    Task<MediaLookup> LookUpAsync(SenderNumber number, string mediaId, CancellationToken cancellationToken);

    /// <summary>
    /// Fetches <paramref name="url"/> with the number's token. A file larger than <paramref name="maxBytes"/> is refused
    /// before it is read in full (<see cref="MediaFetch.TooLarge"/>).
    /// </summary>
    Task<MediaFetch> FetchAsync(SenderNumber number, string url, long maxBytes, CancellationToken cancellationToken);
}

/// <summary>What Meta's media endpoint said about a media id.</summary>
public abstract record MediaLookup
{
    private MediaLookup()
    {
    }

    /// <param name="Sha256">As the endpoint gives it (hex).</param>
    public sealed record Found(string Url, string? MimeType, string? Sha256, long? FileSize) : MediaLookup;

    public sealed record Failed(MediaFailure Failure) : MediaLookup;
}

/// <summary>The outcome of fetching a media url.</summary>
public abstract record MediaFetch
{
    private MediaFetch()
    {
    }

    public sealed record Fetched(byte[] Bytes, string? MimeType) : MediaFetch;

    /// <summary>The url no longer works (401, 403, 404): ask the media endpoint for a fresh one.</summary>
    public sealed record Expired(string Reason) : MediaFetch;

    public sealed record TooLarge(long? SizeBytes) : MediaFetch;

    public sealed record Failed(MediaFailure Failure) : MediaFetch;
}

/// <summary>Why a media call failed, classified like sends: <paramref name="Retryable"/> when trying later may help.</summary>
public sealed record MediaFailure(string Code, string Reason, bool Retryable, TimeSpan? RetryAfter = null);
