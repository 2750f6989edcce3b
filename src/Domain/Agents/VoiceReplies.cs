namespace CleanAgent.Domain.Agents;

/// <summary>When an agent answers with a voice note instead of text.</summary>
public enum VoiceReplies
{
    /// <summary>Always text (the default).</summary>
    Never,

    /// <summary>A voice note answers a voice note; text answers text.</summary>
    WhenCustomerSpeaks,

    /// <summary>Every answer is a voice note.</summary>
    Always,
}
