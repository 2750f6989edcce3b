namespace CleanAgent.Application.Replies;

/// <summary>The reply could not be produced now and will be tried again (the model or Meta was unavailable).</summary>
public sealed class ReplyDeferredException(string message, Exception? inner = null, TimeSpan? retryAfter = null) : Exception(message, inner)
{
    /// <summary>How long Meta asked us to wait, if it did.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>The reply failed for good (e.g. Meta refused it); the failure is recorded and it is not tried again.</summary>
public sealed class ReplyFailedException(string message) : Exception(message);
