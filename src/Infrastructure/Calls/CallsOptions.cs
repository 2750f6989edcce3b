namespace CleanAgent.Infrastructure.Calls;

/// <summary>The <c>Calls</c> section: the Janus sidecar and the live-call engine.</summary>
internal sealed class CallsOptions
{
    public const string SectionName = "Calls";

    /// <summary>Janus's HTTP API (e.g. <c>http://127.0.0.1:8088/janus</c>); unset: every call is refused (logged once).</summary>
    public string? JanusUrl { get; set; }

    /// <summary>Calls answered at once by this instance; more are refused.</summary>
    public int MaxConcurrent { get; set; } = 4;

    /// <summary>The loopback address the RTP socket binds to and announces to Janus's nosip plugin.</summary>
    public string RtpAddress { get; set; } = "127.0.0.1";

    /// <summary>How long a caller may stay silent (from the call's start) before the agent says goodbye and hangs up.</summary>
    public int NoSpeechTimeoutSeconds { get; set; } = 20;

    /// <summary>The longest call; the agent hangs up after it.</summary>
    public int MaxCallMinutes { get; set; } = 15;

    /// <summary>
    /// A live call's lease in the database: renewed every third of it while the call runs; a call whose lease ran out
    /// (its process stopped or crashed) is ended as <c>interrupted</c> by the next instance that checks.
    /// </summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Janus's answers to signaling requests (the long-poll excepted).</summary>
    public int JanusTimeoutSeconds { get; set; } = 10;

    /// <summary>A 20 ms frame counts as speech above this level (dBFS) and above the noise floor by <see cref="VadMarginDb"/>.</summary>
    public double VadThresholdDb { get; set; } = -45;

    public double VadMarginDb { get; set; } = 10;

    /// <summary>Silence that ends the caller's turn.</summary>
    public int EndOfTurnSilenceMilliseconds { get; set; } = 700;
}
