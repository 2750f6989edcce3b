namespace CleanAgent.Application.Media;

/// <summary>
/// Keeps the files of media messages (<c>Media:Store</c>): the file system (default) or the database (so that several
/// instances share them). Files are addressed by content: the key is the file's sha256 in lowercase hex, so saving the
/// same bytes twice keeps one copy and a save interrupted by a crash is simply done again.
/// </summary>
public interface IMediaStore
{
    /// <summary>Keeps <paramref name="bytes"/> and returns their key.</summary>
    Task<string> SaveAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>The kept file, or null when nothing is kept under <paramref name="key"/>.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes the file; nothing happens when it is not there.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
