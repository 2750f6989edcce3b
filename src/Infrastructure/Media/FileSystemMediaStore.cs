using CleanAgent.Application.Media;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Media;

/// <summary>
/// Keeps media files under <c>Media:RootPath</c> (default <c>media/</c> beside the content root), one file per content:
/// <c>ab/abcdef….bin</c>. A file is written to a temporary name and then renamed, so a crash never leaves half a file
/// under a key. Customers' voice notes and photos are readable by the service's user only: folders it creates are 0700
/// and files 0600 on Unix, like the SQLite file.
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

        CreateFolder(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, OwnerOnly(FileMode.CreateNew)))
            {
                await file.WriteAsync(bytes, cancellationToken);
            }

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

    private static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only: the root and the others it
        // creates on the way are created one by one, outermost first. Folders that already exist keep their mode.
        var missing = new Stack<string>();
        for (var current = folder; !string.IsNullOrEmpty(current) && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var next))
        {
            Directory.CreateDirectory(next, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static FileStreamOptions OwnerOnly(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private string PathOf(string key) =>
        MediaKeys.IsValid(key) ? Path.Combine(_root, key[..2], key + ".bin") : throw new ArgumentException("Not a media key.", nameof(key));
}
