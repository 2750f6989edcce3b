using CleanAgent.Application.Speech;
using CleanAgent.Infrastructure.Audio;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Speech;

/// <summary>
/// The synthesizer port over any <see cref="ITextToSpeechClient"/>: the model is the agent's <c>ttsModel</c>, else
/// <c>Speech:TtsModel</c>; the voice the agent's <c>ttsVoice</c>, else <c>Speech:TtsVoice</c>. It asks for the wanted
/// format and converts what comes back when an endpoint answers MP3 or WAV anyway: Opus becomes a mono Ogg Opus file
/// (what WhatsApp plays as a voice note), PCM becomes 16-bit mono at 24 kHz. Failures become <see cref="SpeechException"/>.
/// </summary>
internal sealed partial class TextToSpeechSynthesizer(
    ITextToSpeechClient client, IOptions<SpeechOptions> options, ILogger<TextToSpeechSynthesizer> logger) : ISpeechSynthesizer
{
    /// <summary>OpenAI's raw "pcm": 16-bit little-endian mono at 24 kHz.</summary>
    public const int PcmRate = 24000;

    public bool IsEnabled => true;

    /// <summary>The speech HTTP client's time-out (<c>Speech:TimeoutSeconds</c> plus ten seconds): no call outlasts it.</summary>
    public TimeSpan CallTimeout => TimeSpan.FromSeconds(options.Value.TimeoutSeconds + 10);

    public async Task<SynthesizedSpeech> SynthesizeAsync(string text, SpeechVoice voice, SpeechAudioFormat format, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var model = string.IsNullOrWhiteSpace(voice.Model) ? options.Value.TtsModel : voice.Model.Trim();
        var request = new TextToSpeechOptions
        {
            ModelId = model,
            VoiceId = string.IsNullOrWhiteSpace(voice.Voice) ? options.Value.TtsVoice : voice.Voice.Trim(),
            AudioFormat = ResponseFormat(format),
        };
        DataContent? audio;
        try
        {
            audio = (await client.GetAudioAsync(text, request, cancellationToken)).Contents.OfType<DataContent>().FirstOrDefault();
        }
        catch (Exception ex) when (SpeechFailures.Classify(ex, cancellationToken) is { } failure)
        {
            LogFailed(model, failure.Message);
            throw failure;
        }

        if (audio is null || audio.Data.IsEmpty)
        {
            LogFailed(model, "no audio");
            throw new SpeechException($"The speech endpoint returned no audio for model '{model}'.", isTransient: false);
        }

        try
        {
            return Convert(audio.Data, audio.MediaType, format);
        }
        catch (InvalidDataException ex)
        {
            LogFailed(model, ex.Message);
            throw new SpeechException("The speech endpoint answered something that is not audio.", isTransient: false, ex);
        }
    }

    /// <summary>OpenAI's <c>response_format</c> values.</summary>
    private static string ResponseFormat(SpeechAudioFormat format) => format switch
    {
        SpeechAudioFormat.Opus => "opus",
        SpeechAudioFormat.Mp3 => "mp3",
        SpeechAudioFormat.Wav => "wav",
        SpeechAudioFormat.Pcm => "pcm",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    private static SynthesizedSpeech Convert(ReadOnlyMemory<byte> bytes, string mediaType, SpeechAudioFormat wanted)
    {
        var container = AudioDecoder.Identify(bytes.Span);
        switch (wanted)
        {
            case SpeechAudioFormat.Opus when container == AudioContainer.OggOpus && OggOpus.Read(bytes.Span).Channels == 1:
                return new SynthesizedSpeech(bytes, OggOpus.MediaType, SpeechAudioFormat.Opus);
            case SpeechAudioFormat.Opus:
                var decoded = Decode(bytes, mediaType, container);
                decoded = OggOpus.AcceptsRate(decoded.SampleRate) ? decoded : decoded.To(OggOpus.OpusRate);
                return new SynthesizedSpeech(OggOpus.Encode(decoded.Samples, decoded.SampleRate), OggOpus.MediaType, SpeechAudioFormat.Opus);
            case SpeechAudioFormat.Pcm:
                var samples = Decode(bytes, mediaType, container, rawPcmByDefault: true);
                return new SynthesizedSpeech(samples.To(PcmRate).ToBytes(), "audio/pcm", SpeechAudioFormat.Pcm);
            case SpeechAudioFormat.Mp3 when container == AudioContainer.Mp3:
                return new SynthesizedSpeech(bytes, "audio/mpeg", SpeechAudioFormat.Mp3);
            default:
                // WAV is asked for, or MP3 and something else came: a 16-bit mono WAV of whatever it was.
                var wav = Decode(bytes, mediaType, container);
                return new SynthesizedSpeech(WavFile.Write(wav.Samples, wav.SampleRate), "audio/wav", SpeechAudioFormat.Wav);
        }
    }

    private static DecodedAudio Decode(ReadOnlyMemory<byte> bytes, string mediaType, AudioContainer container, bool rawPcmByDefault = false)
    {
        if (container != AudioContainer.Unknown)
        {
            return AudioDecoder.Decode(bytes.Span);
        }

        // Raw PCM has no header: believe the Content-Type, or the request when the endpoint sends only octets.
        var raw = mediaType.Equals("audio/pcm", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("audio/l16", StringComparison.OrdinalIgnoreCase)
            || (rawPcmByDefault && mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase));
        if (!raw || bytes.Length < 2)
        {
            throw new InvalidDataException($"Not Ogg Opus, MP3, WAV or PCM audio ({mediaType}).");
        }

        return DecodedAudio.FromBytes(bytes.Span, PcmRate);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech synthesis with {Model} failed: {Reason}")]
    private partial void LogFailed(string model, string reason);
}
