using CleanAgent.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (HelpRequestedException)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

// Every phase is bounded on its own; this is the backstop for the whole run.
// A reply scenario's warm-up is drained like its measured part; seeding history takes about a minute per million messages on a busy machine.
var budget = TimeSpan.FromMinutes(5) + (TimeSpan.FromSeconds(options.Scenarios.Sum(s => (options.SecondsFor(s) * 3) + 120
    + (s.StartsWith("reply", StringComparison.Ordinal) ? options.ReplyWarmUpSeconds * 4 : 0)
    + (s == "history" ? 60L * options.HistoryMessages / 1_000_000 : 0))) * options.Providers.Count);
using var cancellation = new CancellationTokenSource(budget);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

await using var runner = await BenchRunner.CreateAsync(options);
var rows = await runner.RunAsync(cancellation.Token);
var markdown = Report.Markdown(rows, Report.Machine());
Console.WriteLine();
Console.WriteLine(markdown);
if (options.JsonFile is { } json)
{
    await File.WriteAllTextAsync(json, Report.Json(rows));
    Console.WriteLine($"JSON written to {json}");
}

if (options.MarkdownFile is { } md)
{
    await File.WriteAllTextAsync(md, markdown);
}

return rows.Any(r => r.Failed) ? 1 : 0;
