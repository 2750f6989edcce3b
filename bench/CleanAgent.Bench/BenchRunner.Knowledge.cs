using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CleanAgent.Bench;

/// <summary>
/// <c>--scenario knowledge</c>: the retrieval evaluation. One agent per language with its FAQ and synonyms
/// (Knowledge/), the offline responder, and each message of Knowledge/queries.tsv sent through the signed
/// webhook: top-1 is the reply (it holds the expected row's answer), top-3 the admin search API's first three
/// rows. Then the query time at 5,000 rows and 2 MB uploads of three shapes.
/// </summary>
internal sealed partial class BenchRunner
{
    private static readonly string[] KnowledgeLanguages = ["en", "de", "es", "fr"];

    private async Task<IReadOnlyList<ResultRow>> KnowledgeAsync(string provider, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Knowledge");
        await using var database = await BenchDatabase.CreateAsync(provider, _runDirectory, _options.PostgresConnectionString, cancellationToken);
        await using var service = await StartServiceAsync(database, "knowledge", cancellationToken, new Dictionary<string, string> { ["Ai__Provider"] = "Offline" });
        var numbers = NewNumbers(KnowledgeLanguages.Length);
        var agents = new Dictionary<string, Guid>();
        var answers = new Dictionary<string, string[]>();
        for (var i = 0; i < KnowledgeLanguages.Length; i++)
        {
            var language = KnowledgeLanguages[i];
            var agentId = await service.PostAsync("/api/agents", new { name = $"Velo {language}", prompt = "You answer the shop's customers." }, cancellationToken);
            var faq = await File.ReadAllBytesAsync(Path.Combine(directory, $"faq-{language}.csv"), cancellationToken);
            await UploadAsync(service, agentId, "faq.csv", faq, cancellationToken);
            await UploadAsync(service, agentId, "synonyms.csv", await File.ReadAllBytesAsync(Path.Combine(directory, $"synonyms-{language}.csv"), cancellationToken), cancellationToken);
            await RegisterNumbersAsync(service, [numbers[i]], agentId, active: true, cancellationToken);
            agents[language] = agentId;
            answers[language] = AnswersOf(Encoding.UTF8.GetString(faq));
        }

        var queries = EvalQueries(directory);
        _graph.Reset();
        using var client = LoadClient.Create(service.BaseAddress, 16);
        var runId = RunId();
        var customers = new ConcurrentDictionary<int, string>();
        await Parallel.ForEachAsync(queries, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (query, ct) =>
        {
            var customer = "3517" + (10_000_000 + query.Index).ToString(CultureInfo.InvariantCulture);
            var factory = new WebhookFactory([numbers[Array.IndexOf(KnowledgeLanguages, query.Language)]], runId, 1);
            if (await LoadClient.PostWebhookAsync(client, factory.Create(query.Index, 1, customer, query.Message), ct))
            {
                customers[query.Index] = customer;
            }
        });
        await WaitForSendsAsync(() => customers.Values.Count(_graph.TextsByRecipient.ContainsKey), customers.Count, TimeSpan.FromSeconds(120), cancellationToken);

        var results = new List<(EvalQuery Query, bool Top1, bool Top3)>();
        foreach (var query in queries)
        {
            var expected = query.Row > 0 ? answers[query.Language][query.Row - 1] : null;
            var reply = customers.TryGetValue(query.Index, out var customer) && _graph.TextsByRecipient.TryGetValue(customer, out var texts)
                ? string.Join('\n', texts) : null;
            var top3 = (await SearchAsync(service, agents[query.Language], query.Message, 3, cancellationToken)).Select(r => r.Text).ToList();
            bool top1, inTop3;
            if (expected is null)
            {
                // An unrelated question is right when no row's answer is given.
                top1 = reply is not null && !answers[query.Language].Any(a => reply.Contains(a, StringComparison.Ordinal));
                inTop3 = top1;
            }
            else
            {
                top1 = reply is not null && reply.StartsWith(expected, StringComparison.Ordinal) || (reply?.Contains($": {expected}", StringComparison.Ordinal) ?? false);
                inTop3 = top3.Any(t => t.Contains(expected, StringComparison.Ordinal));
            }

            if (!top1 && _options.KeepLogs)
            {
                Log($"knowledge miss [{query.Language} {query.Split} {query.Kind}] '{query.Message}' → '{reply?.Split('\n')[0]}'");
            }

            results.Add((query, top1, inTop3));
        }

        var rows = new List<ResultRow>();
        foreach (var split in EvalSplits)
        {
            var inSplit = results.Where(r => r.Query.Split == split).ToList();
            rows.Add(EvalRow(provider, $"{split} all", inSplit));
            rows.AddRange(inSplit.GroupBy(r => r.Query.Language).Select(g => EvalRow(provider, $"{split} {g.Key}", [.. g])));
            rows.AddRange(inSplit.GroupBy(r => r.Query.Kind).Select(g => EvalRow(provider, $"{split} {g.Key}", [.. g])));
        }

        rows.Add(await QueryTimeAsync(service, provider, cancellationToken));
        rows.AddRange(await UploadSizesAsync(service, database, provider, cancellationToken));
        service.Sample();
        return rows;
    }

    private static ResultRow EvalRow(string provider, string name, List<(EvalQuery Query, bool Top1, bool Top3)> results) =>
        new("knowledge", provider, 0, results.Count, 0)
        {
            Note = string.Create(CultureInfo.InvariantCulture,
                $"{name}: top-1 {results.Count(r => r.Top1)}/{results.Count} ({100.0 * results.Count(r => r.Top1) / results.Count:0}%), top-3 {results.Count(r => r.Top3)}/{results.Count} ({100.0 * results.Count(r => r.Top3) / results.Count:0}%)"),
        };

    /// <summary>The search API on a 5,000-row FAQ: the index is built by the first question; then 500 questions, one at a time.</summary>
    private static async Task<ResultRow> QueryTimeAsync(ServiceProcess service, string provider, CancellationToken cancellationToken)
    {
        var agentId = await service.PostAsync("/api/agents", new { name = "Big FAQ", prompt = "You answer." }, cancellationToken);
        await UploadAsync(service, agentId, "big.csv", Encoding.UTF8.GetBytes(BigFaq()), cancellationToken);
        var build = Stopwatch.StartNew();
        await SearchAsync(service, agentId, "how do I fit a saddle", 3, cancellationToken);
        var buildMs = build.Elapsed.TotalMilliseconds;

        var latencies = new List<double>();
        var found = 0;
        for (var i = 0; i < 500; i++)
        {
            var (question, model) = BigFaqQuestion(i);
            var started = Stopwatch.GetTimestamp();
            var rows = await SearchAsync(service, agentId, question, 3, cancellationToken);
            latencies.Add(Stats.ElapsedMs(started, Stopwatch.GetTimestamp()));
            found += rows.Count > 0 && rows[0].Text.Contains($" {model} ", StringComparison.Ordinal) ? 1 : 0;
        }

        return new ResultRow("knowledge", provider, 0, latencies.Count, 0)
        {
            P50Ms = Stats.Percentile(latencies, 50),
            P95Ms = Stats.Percentile(latencies, 95),
            P99Ms = Stats.Percentile(latencies, 99),
            PeakMb = service.PeakWorkingSetBytes / 1048576.0,
            Note = string.Create(CultureInfo.InvariantCulture,
                $"5,000-row FAQ: GET knowledge/search one at a time (HTTP + knowledge version check + search); first question with index build {buildMs:0} ms; right row first {found}/{latencies.Count}"),
        };
    }

    /// <summary>2 MB uploads: many short rows, one 2 MB word, long column names on short rows.</summary>
    private static async Task<IReadOnlyList<ResultRow>> UploadSizesAsync(ServiceProcess service, BenchDatabase database, string provider, CancellationToken cancellationToken)
    {
        const int size = 2 * 1024 * 1024 - 1024;
        var rows = new StringBuilder("question,answer\n");
        for (var i = 0; rows.Length < size - 100; i++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"Question number {i}?,Answer number {i}.\n");
        }

        var wide = new StringBuilder(string.Join(',', Enumerable.Range(0, 40).Select(i => $"column {i} " + new string('h', 90))) + "\n");
        while (wide.Length < size - 200)
        {
            wide.Append(string.Join(',', Enumerable.Range(0, 40).Select(i => "x"))).Append('\n');
        }

        var shapes = new (string Name, string File, byte[] Content)[]
        {
            ("many short rows", "rows.csv", Encoding.UTF8.GetBytes(rows.ToString())),
            ("one 2 MB word", "word.txt", Encoding.UTF8.GetBytes(new string('a', size))),
            ("long column names, short rows", "wide.csv", Encoding.UTF8.GetBytes(wide.ToString())),
        };
        var results = new List<ResultRow>();
        foreach (var (name, file, content) in shapes)
        {
            var agentId = await service.PostAsync("/api/agents", new { name = "Upload " + file, prompt = "You answer." }, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            using var form = new MultipartFormDataContent { { new ByteArrayContent(content), "file", file } };
            string status;
            try
            {
                using var response = await service.Admin.PostAsync($"/api/agents/{agentId}/knowledge", form, cancellationToken);
                status = $"HTTP {(int)response.StatusCode}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow upload is a figure too; it must not lose the evaluation measured before it.
                status = $"no answer within the client's {service.Admin.Timeout.TotalSeconds:0} s";
            }

            var ms = Stats.ElapsedMs(started, Stopwatch.GetTimestamp());
            var stored = await database.KnowledgeTextBytesAsync(agentId, cancellationToken);
            results.Add(new ResultRow("knowledge", provider, ms / 1000, 1, 0)
            {
                P50Ms = ms,
                Note = string.Create(CultureInfo.InvariantCulture,
                    $"upload {content.Length / 1048576.0:0.0} MB ({name}): {status} in {ms:0} ms, stored {stored / 1048576.0:0.00} MB of chunk text ({stored / (double)content.Length:0.0}× the file)"),
            });
        }

        return results;
    }

    private static async Task UploadAsync(ServiceProcess service, Guid agentId, string fileName, byte[] content, CancellationToken cancellationToken)
    {
        using var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var form = new MultipartFormDataContent { { file, "file", fileName } };
        using var response = await service.Admin.PostAsync($"/api/agents/{agentId}/knowledge", form, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"upload {fileName} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static async Task<List<(string Text, double Score)>> SearchAsync(ServiceProcess service, Guid agentId, string question, int top, CancellationToken cancellationToken)
    {
        using var response = await service.Admin.GetAsync($"/api/agents/{agentId}/knowledge/search?top={top}&q={Uri.EscapeDataString(question)}", cancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return [.. json.RootElement.EnumerateArray().Select(r => (r.GetProperty("text").GetString() ?? string.Empty, r.GetProperty("score").GetDouble()))];
    }

    /// <summary>The answers of an evaluation FAQ, in row order: every row is <c>question,"answer"</c> (or with <c>;</c>).</summary>
    private static string[] AnswersOf(string csv) =>
        [.. csv.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l[(l.IndexOf('"', StringComparison.Ordinal) + 1)..l.LastIndexOf('"')])];

    private sealed record EvalQuery(int Index, string Language, string Split, string Kind, int Row, string Message);
}
