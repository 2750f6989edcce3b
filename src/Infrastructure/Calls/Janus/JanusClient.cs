using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Infrastructure.Calls.Janus;

/// <summary>Janus answered with an error, an unexpected shape, or not at all.</summary>
internal sealed class JanusException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Janus's HTTP API with the <c>janus.plugin.nosip</c> plugin: one session and one handle per call. The WebRTC offer goes
/// to <c>generate</c>, our plain RTP answer to <c>process</c> (see docs/calls.md). A long-poll per session reads the
/// plugin's events and keeps the session alive.
/// </summary>
internal sealed partial class JanusClient(HttpClient http, Uri baseUrl, TimeSpan requestTimeout, ILogger logger)
{
    /// <summary>Creates the session and the nosip handle, and sends the caller's offer; answers once Janus generated its barebone offer.</summary>
    public async Task<JanusCall> OpenAsync(string info, string sdpOffer, CancellationToken cancellationToken)
    {
        var session = await PostAsync(baseUrl, new JsonObject { ["janus"] = "create" }, cancellationToken);
        var sessionId = session["data"]?["id"]?.GetValue<long>() ?? throw new JanusException("Janus created no session.");
        var call = new JanusCall(this, sessionId, logger);
        try
        {
            var attached = await PostAsync(call.SessionUrl, new JsonObject { ["janus"] = "attach", ["plugin"] = "janus.plugin.nosip" }, cancellationToken);
            call.HandleId = attached["data"]?["id"]?.GetValue<long>() ?? throw new JanusException("Janus attached no nosip handle.");
            call.StartPolling();
            var generated = await call.SendAsync(
                new JsonObject { ["request"] = "generate", ["info"] = info },
                new JsonObject { ["type"] = "offer", ["sdp"] = sdpOffer },
                cancellationToken);
            call.BareboneOffer = generated.Result?["sdp"]?.GetValue<string>() ?? throw new JanusException("Janus's generated event has no SDP.");
            return call;
        }
        catch
        {
            await call.DisposeAsync();
            throw;
        }
    }

    internal async Task<JsonObject> PostAsync(Uri url, JsonObject body, CancellationToken cancellationToken)
    {
        body["transaction"] ??= Guid.NewGuid().ToString("N");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        try
        {
            using var response = await http.PostAsJsonAsync(url, body, timeout.Token);
            var answer = await ReadAsync(response, timeout.Token);
            if (answer["janus"]?.GetValue<string>() == "error")
            {
                throw new JanusException($"Janus refused {body["janus"]}: {answer["error"]?["reason"]} ({answer["error"]?["code"]}).");
            }

            return answer;
        }
        catch (HttpRequestException exception)
        {
            throw new JanusException($"Could not reach Janus ({exception.HttpRequestError}).", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new JanusException("Janus did not answer in time.", exception);
        }
    }

    internal async Task<JsonObject?> PollAsync(Uri sessionUrl, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(sessionUrl + "?maxev=1"), cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new JanusException($"Janus answered HTTP {(int)response.StatusCode}.");
        }

        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) as JsonObject
                ?? throw new JanusException("Janus answered something that is not a JSON object.");
        }
        catch (JsonException exception)
        {
            throw new JanusException("Janus answered something that is not JSON.", exception);
        }
    }

    internal Uri BaseUrl => baseUrl;
}

/// <summary>A nosip plugin event: its <c>result</c>, and the JSEP that came with it.</summary>
internal sealed record JanusEvent(JsonObject? Result, JsonObject? Jsep);

/// <summary>One call's Janus session and nosip handle. Disposing hangs the handle up, destroys the session and stops the poll.</summary>
internal sealed partial class JanusCall : IAsyncDisposable
{
    private readonly JanusClient _client;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JanusEvent>> _waiting = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _hungUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _polling = Task.CompletedTask;
    private int _disposed;

    public JanusCall(JanusClient client, long sessionId, ILogger logger)
    {
        _client = client;
        _logger = logger;
        SessionId = sessionId;
        SessionUrl = new Uri($"{client.BaseUrl.ToString().TrimEnd('/')}/{sessionId}");
    }

    public long SessionId { get; }
    public long HandleId { get; set; }
    public Uri SessionUrl { get; }
    private Uri HandleUrl => new($"{SessionUrl}/{HandleId}");

    /// <summary>Janus's plain RTP offer: where it expects our RTP, and Opus's payload type.</summary>
    public string BareboneOffer { get; set; } = string.Empty;

    /// <summary>Completes with the reason when Janus hangs the call up (ICE/DTLS failed, the peer left) or the session is lost.</summary>
    public Task<string> HungUp => _hungUp.Task;

    /// <summary>Sends our plain answer; returns the WebRTC answer SDP (full, non-trickle) to give Meta.</summary>
    public async Task<string> ProcessAsync(string plainAnswer, CancellationToken cancellationToken)
    {
        var processed = await SendAsync(new JsonObject { ["request"] = "process", ["type"] = "answer", ["sdp"] = plainAnswer }, null, cancellationToken);
        return processed.Jsep?["sdp"]?.GetValue<string>() ?? throw new JanusException("Janus's processed event has no JSEP answer.");
    }

    internal void StartPolling() => _polling = Task.Run(PollAsync);

    internal async Task<JanusEvent> SendAsync(JsonObject body, JsonObject? jsep, CancellationToken cancellationToken)
    {
        var transaction = Guid.NewGuid().ToString("N");
        var waiter = new TaskCompletionSource<JanusEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[transaction] = waiter;
        try
        {
            var message = new JsonObject { ["janus"] = "message", ["transaction"] = transaction, ["body"] = body };
            if (jsep is not null)
            {
                message["jsep"] = jsep;
            }

            await _client.PostAsync(HandleUrl, message, cancellationToken);
            var finished = await Task.WhenAny(waiter.Task, _hungUp.Task).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
            return finished == waiter.Task ? await waiter.Task : throw new JanusException($"Janus hung up during {body["request"]}: {await _hungUp.Task}");
        }
        catch (TimeoutException exception)
        {
            throw new JanusException($"Janus sent no answer to {body["request"]}.", exception);
        }
        finally
        {
            _waiting.TryRemove(transaction, out _);
        }
    }

    private async Task PollAsync()
    {
        var failures = 0;
        while (!_stop.IsCancellationRequested)
        {
            JsonObject? message;
            try
            {
                message = await _client.PollAsync(SessionUrl, _stop.Token);
                failures = 0;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or JanusException or OperationCanceledException)
            {
                if (++failures >= 3)
                {
                    _hungUp.TrySetResult("the Janus session was lost: " + exception.Message);
                    return;
                }

                await Task.Delay(200 * failures, CancellationToken.None);
                continue;
            }

            if (message is not null)
            {
                Dispatch(message);
            }
        }
    }

    private void Dispatch(JsonObject message)
    {
        var kind = message["janus"]?.GetValue<string>();
        var transaction = message["transaction"]?.GetValue<string>();
        switch (kind)
        {
            case "event":
                var data = message["plugindata"]?["data"] as JsonObject;
                var result = data?["result"] as JsonObject;
                if (data?["error"] is { } error)
                {
                    if (transaction is not null && _waiting.TryGetValue(transaction, out var failed))
                    {
                        failed.TrySetException(new JanusException($"nosip error {data["error_code"]}: {error}"));
                    }

                    break;
                }

                var name = result?["event"]?.GetValue<string>();
                if (name is "hangup" or "hangingup")
                {
                    _hungUp.TrySetResult("nosip " + name);
                }

                if (transaction is not null && _waiting.TryGetValue(transaction, out var waiter))
                {
                    waiter.TrySetResult(new JanusEvent(result, message["jsep"] as JsonObject));
                }

                break;
            case "hangup":
                _hungUp.TrySetResult(message["reason"]?.GetValue<string>() ?? "hangup");
                break;
            case "webrtcup":
                LogWebRtcUp(_logger, SessionId);
                break;
            case "error" when ErrorCode(message) == 458:
                _hungUp.TrySetResult("the Janus session expired");
                break;
        }
    }

    private static int? ErrorCode(JsonObject message) => (message["error"] as JsonObject)?["code"]?.GetValue<int>();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _hungUp.TrySetResult("closed");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (HandleId != 0)
            {
                await _client.PostAsync(HandleUrl, new JsonObject { ["janus"] = "message", ["body"] = new JsonObject { ["request"] = "hangup" } }, timeout.Token);
            }
        }
        catch (JanusException exception)
        {
            LogCleanupFailed(_logger, "hangup", SessionId, exception.Message);
        }

        try
        {
            await _client.PostAsync(SessionUrl, new JsonObject { ["janus"] = "destroy" }, timeout.Token);
        }
        catch (JanusException exception)
        {
            LogCleanupFailed(_logger, "destroy", SessionId, exception.Message);
        }

        await _stop.CancelAsync();
        await _polling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Janus session {SessionId}: WebRTC is up")]
    private static partial void LogWebRtcUp(ILogger logger, long sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Janus {Request} of session {SessionId} failed: {Reason}")]
    private static partial void LogCleanupFailed(ILogger logger, string request, long sessionId, string reason);
}
