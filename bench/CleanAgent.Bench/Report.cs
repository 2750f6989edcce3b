using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CleanAgent.Bench;

/// <summary>One line of the results: the JSON object the issue asks for, plus errors and a note.</summary>
internal sealed record ResultRow(string Scenario, string Provider, double Seconds, long Requests, double Rps)
{
    public double? P50Ms { get; init; }

    public double? P95Ms { get; init; }

    public double? P99Ms { get; init; }

    public double? CeilingRps { get; set; }

    public double? Ratio { get; set; }

    public double? PeakMb { get; init; }

    /// <summary>The service's CPU time (user + system, all cores) per request or message: a figure a busy machine moves less than latency.</summary>
    public double? CpuMsPerRequest { get; init; }

    /// <summary>The service's most threads during the measured part (reply scenarios).</summary>
    public int? PeakThreads { get; init; }

    public long? Lost { get; init; }

    public long? Doubled { get; init; }

    public long Errors { get; init; }

    public string? Note { get; init; }

    [JsonIgnore]
    public bool Failed { get; init; }

    public static ResultRow Failure(string scenario, string provider, string why) =>
        new(scenario, provider, 0, 0, 0) { Note = "FAILED: " + why, Failed = true };
}

internal static class Report
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Json(IEnumerable<ResultRow> rows) => JsonSerializer.Serialize(rows.Select(Clean), JsonOptions);

    public static string Machine()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
            // Not Linux.
        }

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({cpu}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {load} at the end");
    }

    public static string Markdown(IReadOnlyList<ResultRow> rows, string machine)
    {
        var s = new StringBuilder();
        s.AppendLine("| scenario | provider | s | requests | req/s | p50 ms | p95 ms | p99 ms | ceiling req/s | ratio | peak MB | cpu ms/req | lost | doubled | errors | note |");
        s.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in rows)
        {
            s.Append(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Provider} | {r.Seconds:0} | {r.Requests} | {r.Rps:0} | {F(r.P50Ms)} | {F(r.P95Ms)} | {F(r.P99Ms)} | {F(r.CeilingRps, "0")} | {F(r.Ratio, "0%")} | {F(r.PeakMb, "0")} | {F(r.CpuMsPerRequest, "0.00")} | {r.Lost?.ToString(CultureInfo.InvariantCulture) ?? ""} | {r.Doubled?.ToString(CultureInfo.InvariantCulture) ?? ""} | {r.Errors} | {r.Note} |");
            s.AppendLine();
        }

        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}.");
        return s.ToString();
    }

    private static string F(double? value, string format = "0.0") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : string.Empty;

    private static object Clean(ResultRow r) => new
    {
        scenario = r.Scenario,
        provider = r.Provider,
        seconds = r.Seconds,
        requests = r.Requests,
        rps = Round(r.Rps),
        p50Ms = Round(r.P50Ms),
        p95Ms = Round(r.P95Ms),
        p99Ms = Round(r.P99Ms),
        ceilingRps = Round(r.CeilingRps),
        ratio = r.Ratio is { } ratio && double.IsFinite(ratio) ? Math.Round(ratio, 3) : (double?)null,
        peakMb = Round(r.PeakMb),
        cpuMsPerRequest = r.CpuMsPerRequest is { } cpu && double.IsFinite(cpu) ? Math.Round(cpu, 3) : (double?)null,
        peakThreads = r.PeakThreads,
        lost = r.Lost,
        doubled = r.Doubled,
        errors = r.Errors,
        note = r.Note,
    };

    private static double? Round(double? value) => value is { } v && double.IsFinite(v) ? Math.Round(v, 2) : null;
}
