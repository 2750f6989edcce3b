using System.Diagnostics;
using System.Globalization;
using System.Text;
using CleanAgent.Infrastructure.Ai;
using CleanAgent.Infrastructure.Knowledge;
using Microsoft.Extensions.Options;

namespace CleanAgent.Bench;

/// <summary>
/// <c>--scenario knowledge-search</c>: the search itself, in this process, apart from HTTP and the database.
/// The 5,000-row FAQ of the <c>knowledge</c> scenario read by the service's own file reader, its index built,
/// then questions timed one at a time (p50/p95/p99 of <c>KnowledgeIndex.Search</c>). Then the evaluation's
/// messages ranked by the same index as a quick figure while tuning: "top-1" is the first row being the
/// expected one with a score the offline responder answers (an unrelated message: no row at that score).
/// The figure that counts is the <c>knowledge</c> scenario's, through the webhook.
/// </summary>
internal sealed partial class BenchRunner
{
    private const int TimedQuestions = 2000;

    private static Task<IReadOnlyList<ResultRow>> KnowledgeSearchAsync(CancellationToken cancellationToken)
    {
        var reader = new KnowledgeFileReader(Options.Create(new KnowledgeOptions()));
        var read = Stopwatch.StartNew();
        var content = reader.Read(Encoding.UTF8.GetBytes(BigFaq()), "big.csv", "text/csv", cancellationToken);
        var readMs = read.Elapsed.TotalMilliseconds;
        var build = Stopwatch.StartNew();
        using var index = KnowledgeIndex.Build([new KnowledgeSource("big.csv", [.. content.Chunks.Select(c => (c.Text, c.Tokens))])], [], cancellationToken);
        var buildMs = build.Elapsed.TotalMilliseconds;

        var latencies = new List<double>();
        var cpu = new List<double>();
        var found = 0;
        var allocated = 0L;
        for (var i = -200; i < TimedQuestions; i++)
        {
            var (question, model) = BigFaqQuestion(Math.Abs(i));
            var before = GC.GetAllocatedBytesForCurrentThread();
            var cpuBefore = ThreadCpu.Milliseconds();
            var started = Stopwatch.GetTimestamp();
            var rows = index.Search(question, 3);
            var ms = Stats.ElapsedMs(started, Stopwatch.GetTimestamp());
            var cpuMs = ThreadCpu.Milliseconds() - cpuBefore;
            if (i >= 0)
            {
                latencies.Add(ms);
                cpu.Add(cpuMs);
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                found += rows.Count > 0 && rows[0].Chunk.Text.Contains($" {model} ", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        var rowsOut = new List<ResultRow>
        {
            new("knowledge-search", "-", 0, latencies.Count, 0)
            {
                P50Ms = Stats.Percentile(latencies, 50),
                P95Ms = Stats.Percentile(latencies, 95),
                P99Ms = Stats.Percentile(latencies, 99),
                Note = string.Create(CultureInfo.InvariantCulture,
                    $"5,000-row FAQ, KnowledgeIndex.Search in process, one at a time after 200 unmeasured: max {latencies.Max():0.0} ms; CPU of the searching thread p50 {Stats.Percentile(cpu, 50):0.00} ms, p99 {Stats.Percentile(cpu, 99):0.00} ms; {allocated / latencies.Count / 1024.0:0} KB allocated per search; read {readMs:0} ms, index build {buildMs:0} ms; right row first {found}/{latencies.Count}"),
            },
        };
        rowsOut.AddRange(EvaluateInProcess(cancellationToken));
        return Task.FromResult<IReadOnlyList<ResultRow>>(rowsOut);
    }

    private static IEnumerable<ResultRow> EvaluateInProcess(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Knowledge");
        var reader = new KnowledgeFileReader(Options.Create(new KnowledgeOptions()));
        var results = new List<(EvalQuery Query, bool Top1, bool Top3)>();
        foreach (var language in KnowledgeLanguages)
        {
            var faq = File.ReadAllBytes(Path.Combine(directory, $"faq-{language}.csv"));
            var answers = AnswersOf(Encoding.UTF8.GetString(faq));
            var chunks = reader.Read(faq, "faq.csv", "text/csv", cancellationToken).Chunks.Select(c => (c.Text, c.Tokens)).ToList();
            var synonyms = reader.Read(File.ReadAllBytes(Path.Combine(directory, $"synonyms-{language}.csv")), "synonyms.csv", "text/csv", cancellationToken)
                .Chunks.Select(c => LuceneKnowledgeSearch.SynonymGroup(c.Text)).Where(g => g.Length > 1).ToList();
            using var index = KnowledgeIndex.Build([new KnowledgeSource("faq.csv", chunks)], synonyms, cancellationToken);
            foreach (var query in EvalQueries(directory).Where(q => q.Language == language))
            {
                var hits = index.Search(query.Message, 3).Where(h => h.Score >= LuceneKnowledgeSearch.MinimumScore).ToList();
                var answered = hits.Count > 0 && hits[0].Score >= OfflineReplyGenerator.NearMatchScore;
                if (query.Row == 0)
                {
                    results.Add((query, !answered, !answered));
                    continue;
                }

                var expected = answers[query.Row - 1];
                var top1 = answered && hits[0].Chunk.Text.Contains(expected, StringComparison.Ordinal);
                results.Add((query, top1, hits.Any(h => h.Chunk.Text.Contains(expected, StringComparison.Ordinal))));
                if (!top1 && query.Split == "dev")
                {
                    Log(string.Create(CultureInfo.InvariantCulture,
                        $"in-process dev miss [{language} {query.Kind}] '{query.Message}' → {(hits.Count > 0 ? $"{hits[0].Score:0.00} {hits[0].Chunk.Text.Split('\n')[0]}" : "nothing")}"));
                }
            }
        }

        foreach (var split in EvalSplits)
        {
            var inSplit = results.Where(r => r.Query.Split == split).ToList();
            yield return EvalRow("-", $"in process {split} all", inSplit) with { Scenario = "knowledge-search" };
            foreach (var group in inSplit.GroupBy(r => r.Query.Language).Concat(inSplit.GroupBy(r => r.Query.Kind)))
            {
                yield return EvalRow("-", $"in process {split} {group.Key}", [.. group]) with { Scenario = "knowledge-search" };
            }
        }
    }

    /// <summary>The evaluation's splits: tuned on (dev), and two held-out sets never tuned on.</summary>
    private static readonly string[] EvalSplits = ["heldout", "heldout2", "dev"];

    /// <summary>queries.tsv (dev and the first held-out set) and queries-heldout2.tsv (the second held-out set).</summary>
    private static List<EvalQuery> EvalQueries(string directory) =>
        [.. new[] { "queries.tsv", "queries-heldout2.tsv" }
            .SelectMany(f => File.ReadLines(Path.Combine(directory, f)))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select((p, i) => new EvalQuery(i, p[0], p[1], p[2], int.Parse(p[3], CultureInfo.InvariantCulture), p[4]))];

    private static readonly string[] BigFaqProducts = ["helmet", "saddle", "chain", "tyre", "brake", "pedal", "light", "lock", "pump", "bag", "bell", "mirror"];

    /// <summary>5,000 rows that share most of their words: the worst case for a word-based search.</summary>
    private static string BigFaq()
    {
        var csv = new StringBuilder("question,answer\n");
        for (var i = 0; i < 5000; i++)
        {
            var product = BigFaqProducts[i % BigFaqProducts.Length];
            csv.Append(CultureInfo.InvariantCulture, $"\"How do I fit the {product} model {i} on a {(i % 3 == 0 ? "city" : "mountain")} bike?\",\"Loosen the bolts, place the {product} {i} and tighten to {i % 9 + 3} Nm.\"\n");
        }

        return csv.ToString();
    }

    private static (string Question, int Model) BigFaqQuestion(int i)
    {
        var model = (i * 7919) % 5000;
        var product = BigFaqProducts[model % BigFaqProducts.Length];
        return (i % 2 == 0 ? $"hi! how can I fit the {product} model {model}?" : $"{product}s for mountain bikes, how to fit number {model}", model);
    }
}

/// <summary>CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): what a search costs, apart from waiting for a core on a shared machine.</summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static double Milliseconds() =>
        OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out var time) == 0 ? (time.Seconds * 1000.0) + (time.Nanoseconds / 1e6) : double.NaN;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
