using CleanAgent.Application.Media;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.Infrastructure.Media;

/// <summary>
/// Keeps media files in the database (<c>Media:Store=Database</c>), so several instances on one PostgreSQL or SQL
/// Server share them. It works in a unit of work of its own: saving a file never commits the caller's changes.
/// </summary>
internal sealed class DatabaseMediaStore(IServiceScopeFactory scopes, TimeProvider time) : IMediaStore
{
    public async Task<string> SaveAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var key = MediaKeys.For(bytes.Span);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (await db.MediaFiles.AnyAsync(f => f.Key == key, cancellationToken))
        {
            return key;
        }

        db.MediaFiles.Add(new StoredMediaFile(key, bytes.ToArray(), time.GetUtcNow().UtcDateTime));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another run may have stored the same content meanwhile; anything else is a real failure.
            if (!await StoredAsync(key, cancellationToken))
            {
                throw;
            }
        }

        return key;
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var bytes = await db.MediaFiles.AsNoTracking().Where(f => f.Key == key).Select(f => f.Bytes).FirstOrDefaultAsync(cancellationToken);
        return bytes is null ? null : new MemoryStream(bytes, writable: false);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.MediaFiles.Where(f => f.Key == key).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task<bool> StoredAsync(string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().MediaFiles.AnyAsync(f => f.Key == key, cancellationToken);
    }
}
