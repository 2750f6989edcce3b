using System.Threading.Channels;
using CleanAgent.Application.Webhooks;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.Meta.Webhooks;

/// <summary>
/// Group commit (docs/adr/003-webhook-group-commit.md): one loop takes every delivery waiting, up to the caps, and
/// stores them in one scope and one transaction; batches grow by themselves while the previous one commits. When a
/// batch fails, its deliveries are stored one by one, so a bad delivery fails only its own request.
/// On stop, new deliveries are refused and those already taken are still stored (or failed), never left waiting.
/// </summary>
internal sealed partial class BatchingWebhookDeliveryQueue(
    IServiceScopeFactory scopes,
    IOptions<WebhookOptions> options,
    ILogger<BatchingWebhookDeliveryQueue> logger) : BackgroundService, IWebhookDeliveryQueue
{
    private readonly Channel<PendingDelivery> _waiting = Channel.CreateUnbounded<PendingDelivery>(new UnboundedChannelOptions { SingleReader = false });

    public Task<StoredWebhookDelivery> StoreAsync(VerifiedWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var pending = new PendingDelivery(delivery);
        if (!_waiting.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The service is stopping; the delivery was not stored.");
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _waiting.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Concurrent batches race like concurrent requests did: on the unique indexes, settled by the store's retry.
        var writers = Math.Max(1, options.Value.WebhookBatchWriters);
        return Task.WhenAll(Enumerable.Range(0, writers).Select(_ => WriteAsync()));
    }

    private async Task WriteAsync()
    {
        var maxDeliveries = Math.Max(1, options.Value.WebhookBatchMaxDeliveries);
        var maxBytes = Math.Max(1, options.Value.WebhookBatchMaxBytes);
        var batch = new List<PendingDelivery>(maxDeliveries);

        // Not stoppingToken: stopping completes the channel, and what it accepted is still stored before the loop ends.
        while (await _waiting.Reader.WaitToReadAsync(CancellationToken.None))
        {
            long bytes = 0;
            // With several writers another may take the peeked delivery first; the byte cap is then passed by one at most.
            while (batch.Count < maxDeliveries && _waiting.Reader.TryPeek(out var next) &&
                   (batch.Count == 0 || bytes + next.Delivery.SizeInBytes <= maxBytes) &&
                   _waiting.Reader.TryRead(out next))
            {
                batch.Add(next);
                bytes += next.Delivery.SizeInBytes;
            }

            await StoreBatchAsync(batch);
            batch.Clear();
        }
    }

    private async Task StoreBatchAsync(List<PendingDelivery> batch)
    {
        try
        {
            var receipts = await SendAsync(batch.ConvertAll(p => p.Delivery));
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(receipts[i]);
            }

            return;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            LogBatchFailed(logger, batch.Count, ex.GetType().Name);
        }
        catch (Exception ex)
        {
            batch[0].Completion.TrySetException(ex);
            return;
        }

        foreach (var pending in batch)
        {
            try
            {
                var receipts = await SendAsync([pending.Delivery]);
                pending.Completion.TrySetResult(receipts[0]);
            }
            catch (Exception ex)
            {
                pending.Completion.TrySetException(ex);
            }
        }
    }

    private async Task<IReadOnlyList<StoredWebhookDelivery>> SendAsync(List<VerifiedWebhookDelivery> deliveries)
    {
        // No caller's token: once taken, a delivery is stored even if its request is gone.
        await using var scope = scopes.CreateAsyncScope();
        // One connection for the batch's reads and its save, instead of one from the pool (and its reset) for each.
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        return await scope.ServiceProvider.GetRequiredService<IWebhookDeliveryWriter>().StoreAsync(deliveries, CancellationToken.None);
    }

    private sealed class PendingDelivery(VerifiedWebhookDelivery delivery)
    {
        public VerifiedWebhookDelivery Delivery { get; } = delivery;

        public TaskCompletionSource<StoredWebhookDelivery> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Deliveries} webhook deliveries together failed ({Error}); storing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int deliveries, string error);
}
