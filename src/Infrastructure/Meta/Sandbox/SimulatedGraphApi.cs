using System.Threading.Channels;
using CleanAgent.Application.Replies;
using CleanAgent.Application.Sandbox;
using CleanAgent.Application.Webhooks;
using CleanAgent.Application.Webhooks.ReceiveMetaWebhook;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CleanAgent.Infrastructure.Meta.Sandbox;

/// <summary>
/// The Graph API of sandbox numbers, inside the process. A send is accepted with a new wamid, and the customer's phone
/// then reports it sent, delivered and read the way Meta does: signed status webhooks through the real intake. The
/// simulator's customer writes through the same intake. Nothing leaves the machine.
/// </summary>
internal sealed partial class SimulatedGraphApi(
    IServiceScopeFactory scopes, INumberDirectory directory, TimeProvider time, ILogger<SimulatedGraphApi> logger)
    : BackgroundService, IWhatsAppSender, IWhatsAppSimulator
{
    /// <summary>How long after the send each tick arrives, about what a phone on a good network shows.</summary>
    internal static readonly (string Status, TimeSpan After)[] Ticks =
    [
        ("sent", TimeSpan.FromMilliseconds(300)),
        ("delivered", TimeSpan.FromMilliseconds(900)),
        ("read", TimeSpan.FromMilliseconds(1800)),
    ];

    /// <summary>A voice note is also played, a while after it was read.</summary>
    internal static readonly (string Status, TimeSpan After) PlayedTick = ("played", TimeSpan.FromMilliseconds(3000));

    private readonly Channel<SentMessage> _sent = Channel.CreateBounded<SentMessage>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public Task<SendResult> SendTextAsync(SenderNumber number, string to, string text, string? replyToWamid, CancellationToken cancellationToken)
    {
        var wamid = SandboxWebhooks.NewWamid();
        _sent.Writer.TryWrite(new SentMessage(number.PhoneNumberId, to, wamid, time.GetUtcNow()));
        LogSent(number.PhoneNumberId, text.Length);
        return Task.FromResult<SendResult>(new SendResult.Sent(wamid));
    }

    /// <summary>The simulator keeps no files: an upload is accepted with a media id of its own.</summary>
    public Task<MediaUploadResult> UploadMediaAsync(
        SenderNumber number, ReadOnlyMemory<byte> file, string mimeType, string fileName, CancellationToken cancellationToken)
    {
        LogUploaded(number.PhoneNumberId, file.Length);
        return Task.FromResult<MediaUploadResult>(new MediaUploadResult.Uploaded("sandbox-media-" + Guid.NewGuid().ToString("N")));
    }

    public Task<SendResult> SendMediaAsync(SenderNumber number, string to, OutboundMedia media, string? replyToWamid, CancellationToken cancellationToken)
    {
        var wamid = SandboxWebhooks.NewWamid();
        _sent.Writer.TryWrite(new SentMessage(number.PhoneNumberId, to, wamid, time.GetUtcNow(), IsVoiceNote: media.Voice));
        return Task.FromResult<SendResult>(new SendResult.Sent(wamid));
    }

    /// <summary>The simulator's customer has no phone to mark anything on; accepting the call is all Meta would show.</summary>
    public Task MarkReadAsync(SenderNumber number, string wamid, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<string> DeliverCustomerTextAsync(SimulatedCustomerText message, CancellationToken cancellationToken)
    {
        var wamid = SandboxWebhooks.NewWamid();
        var body = SandboxWebhooks.CustomerText(
            message.PhoneNumberId, message.DisplayPhoneNumber, message.CustomerWaId, message.CustomerName, wamid, message.Text, time.GetUtcNow());
        await DeliverAsync(message.PhoneNumberId, body, cancellationToken);
        return wamid;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var playing = new List<Task>();
        await foreach (var message in _sent.Reader.ReadAllAsync(stoppingToken))
        {
            playing.RemoveAll(t => t.IsCompleted);
            playing.Add(PlayTicksAsync(message, stoppingToken));
        }

        await Task.WhenAll(playing);
    }

    private async Task PlayTicksAsync(SentMessage message, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (status, after) in message.IsVoiceNote ? [.. Ticks, PlayedTick] : Ticks)
            {
                var due = message.SentAt + after;
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }

                var body = SandboxWebhooks.Status(message.PhoneNumberId, message.To, message.Wamid, status, time.GetUtcNow());
                await DeliverAsync(message.PhoneNumberId, body, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogTickFailed(message.PhoneNumberId, ex);
        }
    }

    /// <summary>Signs the body with the number's App Secret, as Meta does, and hands the exact bytes to the webhook intake.</summary>
    private async Task DeliverAsync(string phoneNumberId, byte[] body, CancellationToken cancellationToken)
    {
        var numbers = await directory.FindAsync([phoneNumberId], cancellationToken);
        if (!numbers.TryGetValue(phoneNumberId, out var number) || !number.IsSandbox || number.AppSecret is null)
        {
            throw new InvalidOperationException($"Phone number id {phoneNumberId} is not a sandbox number with an App Secret.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        await sender.Send(new ReceiveMetaWebhookCommand(body, SandboxWebhooks.Sign(body, number.AppSecret)), cancellationToken);
    }

    private sealed record SentMessage(string PhoneNumberId, string To, string Wamid, DateTimeOffset SentAt, bool IsVoiceNote = false);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sandbox number {PhoneNumberId} sent a text of {Length} characters to the simulator")]
    private partial void LogSent(string phoneNumberId, int length);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sandbox number {PhoneNumberId} uploaded a file of {Bytes} bytes")]
    private partial void LogUploaded(string phoneNumberId, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The simulator could not report a status of sandbox number {PhoneNumberId}")]
    private partial void LogTickFailed(string phoneNumberId, Exception exception);
}
