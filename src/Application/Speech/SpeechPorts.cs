namespace CleanAgent.Application.Speech;

/// <summary>
/// Turns a customer's speech into text: an OpenAI-compatible <c>/v1/audio/transcriptions</c> endpoint, or nothing
/// when <c>Speech:Provider</c> is <c>None</c>. Transcribes, never translates.
/// </summary>
public interface ISpeechTranscriber
{
    /// <summary>False when no speech endpoint is configured: callers then tell the model a voice note arrived that it cannot hear.</summary>
    bool IsEnabled { get; }

    /// <summary>The longest one call may take (its time-out): a reply's lease is made to cover it before each call.</summary>
    TimeSpan CallTimeout => TimeSpan.FromSeconds(70);

    /// <summary>Returns the transcript. Throws <see cref="SpeechException"/> when the endpoint failed or answered garbage.</summary>
    Task<string> TranscribeAsync(SpeechAudio audio, string? model, CancellationToken cancellationToken);
}

/// <summary>Audio to transcribe, with its real file name and media type (an Ogg voice note is not an MP3).</summary>
/// <param name="Language">An ISO-639-1 hint such as "de", or null to let the endpoint detect it.</param>
public sealed record SpeechAudio(ReadOnlyMemory<byte> Bytes, string MediaType, string FileName, string? Language = null);

/// <summary>Turns an agent's text into speech: an OpenAI-compatible <c>/v1/audio/speech</c> endpoint.</summary>
public interface ISpeechSynthesizer
{
    /// <summary>False when no speech endpoint is configured.</summary>
    bool IsEnabled { get; }

    /// <summary>The longest one call may take (its time-out): a reply's lease is made to cover it before each call.</summary>
    TimeSpan CallTimeout => TimeSpan.FromSeconds(70);

    /// <summary>
    /// Returns the spoken text in the asked format, or in whatever the endpoint answered instead (check
    /// <see cref="SynthesizedSpeech.Format"/>). Throws <see cref="SpeechException"/> on failure.
    /// </summary>
    Task<SynthesizedSpeech> SynthesizeAsync(string text, SpeechVoice voice, SpeechAudioFormat format, CancellationToken cancellationToken);
}

/// <summary>The TTS model and voice; null means the configured default (<c>Speech:TtsModel</c>, <c>Speech:TtsVoice</c>).</summary>
public sealed record SpeechVoice(string? Model, string? Voice);

/// <summary>Audio formats the speech endpoint is asked for. <see cref="Pcm"/> is raw 16-bit little-endian mono at 24 kHz (OpenAI's "pcm").</summary>
public enum SpeechAudioFormat
{
    Opus,
    Mp3,
    Wav,
    Pcm,
}

/// <summary>Synthesized audio as the endpoint returned it.</summary>
public sealed record SynthesizedSpeech(ReadOnlyMemory<byte> Bytes, string MediaType, SpeechAudioFormat Format);

/// <summary>A speech endpoint failed, timed out, or answered something that is not a transcript or audio.</summary>
public sealed class SpeechException(string message, bool isTransient, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when trying again later may help (HTTP 5xx, 429, time-out).</summary>
    public bool IsTransient { get; } = isTransient;
}
