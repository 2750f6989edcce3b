namespace CleanAgent.Domain.Conversations;

/// <summary>Where a message's file stands: none, waiting for the download, kept in the media store, or not kept (with a reason).</summary>
public enum MediaStatus
{
    None,
    Pending,
    Stored,
    Failed,
}
