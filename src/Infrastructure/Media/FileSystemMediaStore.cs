using CleanAgent.Application.Media;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Media;

/// <summary>
/// Keeps media files under <c>Media:RootPath</c> (default <c>media/</c> beside the content root), one file per content:
/// <c>ab/abcdef….bin</c>. A file is written to a temporary name and then renamed, so a crash never leaves half a file
/// under a key.
/// </summary>
internal sealed class FileSystemMediaStore(IOptions<MediaStoreOptions> options, IHostEnvironment environment) : IMediaStore
{
    private readonly string _root = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.RootPath));

    public async Task<string> SaveAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var key = MediaKeys.For(bytes.Span);
        var path = PathOf(key);
        if (File.Exists(path))
        {
            return key;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return key;
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (!MediaKeys.IsValid(key) || !File.Exists(PathOf(key)))
        {
            return Task.FromResult<Stream?>(null);
        }

        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (MediaKeys.IsValid(key))
        {
            File.Delete(PathOf(key));
        }

        return Task.CompletedTask;
    }

    private string PathOf(string key) =>
        MediaKeys.IsValid(key) ? Path.Combine(_root, key[..2], key + ".bin") : throw new ArgumentException("Not a media key.", nameof(key));
}
