namespace CleanAgent.Domain.Conversations;

/// <summary>
/// How long a reply waits after a failed attempt (the model or Meta unavailable). A reply is owed until it is answered
/// or given up for a reason a retry cannot change, so the waits level off at half an hour instead of ending.
/// </summary>
public static class ReplyRetryPolicy
{
    private static readonly int[] BackoffSeconds = [5, 15, 30, 60, 120, 300, 600, 900, 1800];

    /// <summary>The wait after the <paramref name="attempt"/>th failed attempt (1 for the first).</summary>
    public static TimeSpan DelayAfter(int attempt) =>
        TimeSpan.FromSeconds(BackoffSeconds[Math.Clamp(attempt, 1, BackoffSeconds.Length) - 1]);
}
