using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Audio;

namespace CleanAgent.Infrastructure.Speech;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="ISpeechToTextClient"/> over OpenAI's <see cref="AudioClient"/>, written here
/// because MEAI's own adapter ignores <see cref="SpeechToTextOptions.ModelId"/> and names an Ogg stream "audio.mp3"
/// (TOOLCHAIN-2026-12 §4). This one uses the asked model and sends the file under its real name
/// (<see cref="FileNameProperty"/> in <see cref="SpeechToTextOptions.AdditionalProperties"/>). It always transcribes,
/// never translates.
/// </summary>
internal sealed class OpenAiAudioSpeechToTextClient(OpenAIClient client, string defaultModel) : ISpeechToTextClient
{
    public const string FileNameProperty = "file_name";

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        var model = string.IsNullOrWhiteSpace(options?.ModelId) ? defaultModel : options.ModelId.Trim();
        var fileName = options?.AdditionalProperties?.TryGetValue(FileNameProperty, out var name) == true && name is string { Length: > 0 } given
            ? given
            : "audio.ogg";
        var transcription = await client.GetAudioClient(model).TranscribeAudioAsync(
            audioSpeechStream, fileName, new AudioTranscriptionOptions { Language = options?.SpeechLanguage }, cancellationToken);
        return new SpeechToTextResponse(transcription.Value.Text) { ModelId = model };
    }

    public IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Voice notes are transcribed whole.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
