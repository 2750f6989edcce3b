namespace CleanAgent.Application.Replies;

/// <summary>The reply could not be produced now and will be tried again (the model or Meta was unavailable).</summary>
public sealed class ReplyDeferredException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The reply failed for good (e.g. Meta refused it); the failure is recorded and it is not tried again.</summary>
public sealed class ReplyFailedException(string message) : Exception(message);
