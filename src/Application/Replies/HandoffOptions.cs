namespace CleanAgent.Application.Replies;

/// <summary>The <c>Handoff</c> settings: when a conversation a person took over goes back to the agent, and when the agent gives up.</summary>
public sealed class HandoffOptions
{
    /// <summary>Minutes without operator activity (a takeover or an operator reply) before the agent answers again; 0 = never.</summary>
    public double IdleMinutes { get; set; } = 60;

    /// <summary>Failed attempts at a reply (the model or Meta unavailable) after which the conversation waits for a person.</summary>
    public int AfterFailedAttempts { get; set; } = 5;

    /// <summary>How often idle conversations are looked for.</summary>
    public int IdleCheckSeconds { get; set; } = 30;

    public TimeSpan Idle => TimeSpan.FromMinutes(Math.Max(0, IdleMinutes));
}
