using CleanAgent.Infrastructure.Jobs;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.Logging.Abstractions;

namespace CleanAgent.Application.UnitTests.Jobs;

public sealed class HangfireReplySchedulerTests
{
    [Fact]
    public async Task Replies_asked_together_become_one_job_per_conversation()
    {
        using var storage = new InMemoryStorage();
        var scheduler = new HangfireReplyScheduler(new BackgroundJobClient(storage), NullLogger<HangfireReplyScheduler>.Instance);
        var ana = Guid.NewGuid();
        var bruno = Guid.NewGuid();

        // Three messages committed before the queue runs: two of Ana's, one of Bruno's.
        scheduler.ScheduleReply(ana);
        scheduler.ScheduleReply(bruno);
        scheduler.ScheduleReply(ana);
        await scheduler.StartAsync(CancellationToken.None);
        var monitor = storage.GetMonitoringApi();
        for (var waited = 0; monitor.EnqueuedCount("default") < 2 && waited < 100; waited++)
        {
            await Task.Delay(50);
        }

        await scheduler.StopAsync(CancellationToken.None);

        var jobs = monitor.EnqueuedJobs("default", 0, 10).Select(j => j.Value.Job).ToList();
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, job => Assert.Equal(typeof(ReplyToConversationJob), job.Type));
        Assert.Equal(new[] { ana, bruno }.Order(), jobs.Select(job => (Guid)job.Args[0]).Order());
    }
}
