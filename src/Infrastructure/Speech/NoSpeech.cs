using CleanAgent.Application.Speech;

namespace CleanAgent.Infrastructure.Speech;

/// <summary><c>Speech:Provider=None</c>: nothing is heard or spoken, and nothing calls the network.</summary>
internal sealed class NoSpeech : ISpeechTranscriber, ISpeechSynthesizer
{
    public bool IsEnabled => false;

    public TimeSpan CallTimeout => TimeSpan.Zero;

    public Task<string> TranscribeAsync(SpeechAudio audio, string? model, CancellationToken cancellationToken) =>
        throw new SpeechException("No speech endpoint is configured (Speech:Provider=None).", isTransient: false);

    public Task<SynthesizedSpeech> SynthesizeAsync(string text, SpeechVoice voice, SpeechAudioFormat format, CancellationToken cancellationToken) =>
        throw new SpeechException("No speech endpoint is configured (Speech:Provider=None).", isTransient: false);
}
