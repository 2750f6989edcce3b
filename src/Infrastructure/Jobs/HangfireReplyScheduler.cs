using CleanAgent.Application.Common.Interfaces;
using Hangfire;

namespace CleanAgent.Infrastructure.Jobs;

internal sealed class HangfireReplyScheduler(IBackgroundJobClient jobs) : IReplyScheduler
{
    public void ScheduleReply(Guid conversationId) =>
        jobs.Enqueue<ReplyToConversationJob>(job => job.RunAsync(conversationId, CancellationToken.None));
}
