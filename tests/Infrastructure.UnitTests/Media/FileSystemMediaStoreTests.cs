using System.Runtime.Versioning;
using CleanAgent.Infrastructure.Media;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.UnitTests.Media;

public sealed class FileSystemMediaStoreTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerReadWrite | UnixFileMode.UserExecute;

    private readonly string _contentRoot = Path.Combine(Path.GetTempPath(), "cleanagent_media_" + Guid.NewGuid().ToString("N"));

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public async Task Stored_files_and_the_folders_created_for_them_are_the_owners_alone()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        Directory.CreateDirectory(_contentRoot);
        var store = new FileSystemMediaStore(Options.Create(new MediaStoreOptions { RootPath = "data/media" }), new Environment(_contentRoot));

        var key = await store.SaveAsync("a customer's voice note"u8.ToArray(), CancellationToken.None);

        var file = Path.Combine(_contentRoot, "data", "media", key[..2], key + ".bin");
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(file));
        foreach (var folder in new[] { "data", "data/media", $"data/media/{key[..2]}" })
        {
            Assert.Equal(OwnerFolder, File.GetUnixFileMode(Path.Combine(_contentRoot, folder)));
        }

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file)!, "*.tmp"));
        await using var read = await store.OpenReadAsync(key, CancellationToken.None);
        using var text = new StreamReader(read!);
        Assert.Equal("a customer's voice note", await text.ReadToEndAsync());
    }

    public void Dispose()
    {
        if (Directory.Exists(_contentRoot))
        {
            Directory.Delete(_contentRoot, recursive: true);
        }
    }

    private sealed class Environment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "CleanAgent";
        public string ContentRootPath { get; set; } = contentRoot;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
