using System.Net.Http.Headers;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Audio;

namespace CleanAgent.Infrastructure.Speech;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="ITextToSpeechClient"/> over OpenAI's <see cref="AudioClient"/>
/// (<c>POST /v1/audio/speech</c>). Unlike MEAI's own adapter it honours <see cref="TextToSpeechOptions.ModelId"/>, and
/// it reports the media type the endpoint answered with (its Content-Type), not the one asked for: compatible servers
/// do not always answer in the asked format.
/// </summary>
internal sealed class OpenAiAudioTextToSpeechClient(OpenAIClient client, string defaultModel, string defaultVoice) : ITextToSpeechClient
{
    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        var model = string.IsNullOrWhiteSpace(options?.ModelId) ? defaultModel : options.ModelId.Trim();
        var voice = string.IsNullOrWhiteSpace(options?.VoiceId) ? defaultVoice : options.VoiceId.Trim();
        var request = new SpeechGenerationOptions { SpeedRatio = options?.Speed };
        if (!string.IsNullOrWhiteSpace(options?.AudioFormat))
        {
            request.ResponseFormat = new GeneratedSpeechFormat(options.AudioFormat);
        }

        var result = await client.GetAudioClient(model).GenerateSpeechAsync(text, new GeneratedSpeechVoice(voice), request, cancellationToken);
        var answered = result.GetRawResponse().Headers.TryGetValue("Content-Type", out var header)
            && MediaTypeHeaderValue.TryParse(header, out var parsed) && parsed.MediaType is { } type
            ? type
            : "application/octet-stream";
        return new TextToSpeechResponse([new DataContent(result.Value.ToMemory(), answered)]) { ModelId = model };
    }

    public IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Speech is synthesized whole.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
