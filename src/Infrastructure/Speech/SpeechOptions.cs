namespace CleanAgent.Infrastructure.Speech;

/// <summary>The <c>Speech</c> configuration section.</summary>
internal sealed class SpeechOptions
{
    public const string SectionName = "Speech";

    /// <summary><c>None</c> (default, no network: voice notes are not heard) or <c>OpenAI</c> (any OpenAI-compatible audio endpoint).</summary>
    public string Provider { get; set; } = nameof(SpeechProvider.None);

    /// <summary>The OpenAI-compatible base URL (speaches, LocalAI, Groq, Azure OpenAI…); null for api.openai.com.</summary>
    public string? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The transcription model for agents that name no <c>sttModel</c>.</summary>
    public string SttModel { get; set; } = "whisper-1";

    /// <summary>The speech model for agents that name no <c>ttsModel</c>.</summary>
    public string TtsModel { get; set; } = "tts-1";

    /// <summary>The voice for agents that name no <c>ttsVoice</c>.</summary>
    public string TtsVoice { get; set; } = "alloy";

    /// <summary>How long one speech call may take.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    public static SpeechProvider ParseProvider(string? value) =>
        string.IsNullOrWhiteSpace(value) ? SpeechProvider.None
        : Enum.TryParse<SpeechProvider>(value.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider) ? provider
        : throw new InvalidOperationException($"Speech:Provider '{value}' is not supported. Use 'None' or 'OpenAI' (any OpenAI-compatible endpoint).");
}

internal enum SpeechProvider
{
    None,
    OpenAI,
}
