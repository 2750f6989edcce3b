using System.Buffers;

namespace CleanAgent.WebApi.Infrastructure;

/// <summary>
/// A request body read into pooled memory that grows as bytes arrive: a sender that announces 3 MB and then goes
/// quiet holds only what it actually sent. Returned to the pool on dispose.
/// </summary>
internal sealed class PooledRequestBody : IDisposable
{
    private const int InitialSize = 16 * 1024;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _length;

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    /// <summary>Reads the stream to its end; false (and nothing more is read) once it holds more than <paramref name="maxBytes"/>.</summary>
    public async Task<bool> ReadAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_length == _buffer.Length)
            {
                Grow(Math.Min(_buffer.Length * 2, maxBytes + 1));
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_length), cancellationToken);
            if (read == 0)
            {
                return true;
            }

            _length += read;
            if (_length > maxBytes)
            {
                return false;
            }
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
