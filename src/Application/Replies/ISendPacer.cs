namespace CleanAgent.Application.Replies;

/// <summary>Keeps each number under its sends per second (Meta's throughput per number).</summary>
public interface ISendPacer
{
    /// <summary>
    /// Waits, without holding a thread, until the number may send one more message. <paramref name="perSecond"/> is the
    /// number's own limit, null for the configured default. False when too many sends already wait for that number.
    /// </summary>
    ValueTask<bool> WaitTurnAsync(string phoneNumberId, int? perSecond, CancellationToken cancellationToken);
}
