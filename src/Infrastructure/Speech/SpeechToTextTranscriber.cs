using System.ClientModel;
using System.Text.Json;
using CleanAgent.Application.Speech;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Speech;

/// <summary>
/// The transcriber port over any <see cref="ISpeechToTextClient"/>: the model is the agent's <c>sttModel</c>, else
/// <c>Speech:SttModel</c>; failures become <see cref="SpeechException"/>, transient (429, 5xx, time-out, network) or not.
/// </summary>
internal sealed partial class SpeechToTextTranscriber(
    ISpeechToTextClient client, IOptions<SpeechOptions> options, ILogger<SpeechToTextTranscriber> logger) : ISpeechTranscriber
{
    public bool IsEnabled => true;

    /// <summary>The speech HTTP client's time-out (<c>Speech:TimeoutSeconds</c> plus ten seconds): no call outlasts it.</summary>
    public TimeSpan CallTimeout => TimeSpan.FromSeconds(options.Value.TimeoutSeconds + 10);

    public async Task<string> TranscribeAsync(SpeechAudio audio, string? model, CancellationToken cancellationToken)
    {
        var chosen = string.IsNullOrWhiteSpace(model) ? options.Value.SttModel : model.Trim();
        var request = new SpeechToTextOptions
        {
            ModelId = chosen,
            SpeechLanguage = audio.Language,
            AdditionalProperties = new() { [OpenAiAudioSpeechToTextClient.FileNameProperty] = audio.FileName },
        };
        string? text;
        try
        {
            using var stream = new MemoryStream(audio.Bytes.ToArray(), writable: false);
            text = (await client.GetTextAsync(stream, request, cancellationToken)).Text;
        }
        catch (Exception ex) when (SpeechFailures.Classify(ex, cancellationToken) is { } failure)
        {
            LogFailed(chosen, failure.Message);
            throw failure;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            LogFailed(chosen, "no text");
            throw new SpeechException($"The speech endpoint returned no text for model '{chosen}'.", isTransient: false);
        }

        return text.Trim();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transcription with {Model} failed: {Reason}")]
    private partial void LogFailed(string model, string reason);
}

/// <summary>How a speech endpoint's failure is classified, like the model's and Meta's: retry what may pass.</summary>
internal static class SpeechFailures
{
    public static SpeechException? Classify(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when !cancellationToken.IsCancellationRequested =>
            new SpeechException("The speech endpoint did not answer in time.", isTransient: true, exception),
        ClientResultException { Status: 429 or >= 500 or 0 } http =>
            new SpeechException($"The speech endpoint failed (HTTP {http.Status}).", isTransient: true, exception),
        ClientResultException http =>
            new SpeechException($"The speech endpoint refused the request (HTTP {http.Status}).", isTransient: false, exception),
        HttpRequestException http =>
            new SpeechException($"The speech endpoint could not be reached ({http.HttpRequestError}).", isTransient: true, exception),
        JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException =>
            new SpeechException("The speech endpoint answered something that is not a transcript.", isTransient: false, exception),
        _ => null,
    };
}
