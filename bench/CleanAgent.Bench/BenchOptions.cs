using System.Globalization;

namespace CleanAgent.Bench;

/// <summary>The command line: <c>[--scenario NAME|all] [--provider sqlite|postgresql|all] [--seconds N] [--json FILE]</c> and a few knobs.</summary>
internal sealed class BenchOptions
{
    public static readonly string[] AllScenarios = ["ceiling", "ingest", "ingest-rate", "reply", "reply-slow-model", "history", "knowledge", "knowledge-search"];

    public List<string> Scenarios { get; } = [];

    public List<string> Providers { get; } = [];

    /// <summary>Null: each scenario's own default (20 s; 30 s for reply).</summary>
    public int? Seconds { get; private set; }

    public string? JsonFile { get; private set; }

    public string? MarkdownFile { get; private set; }

    /// <summary>Concurrent connections of the closed-loop (as fast as possible) scenarios.</summary>
    public int Connections { get; private set; } = 32;

    /// <summary>Arrival rate of <c>ingest-rate</c>, requests per second.</summary>
    public int IngestRate { get; private set; } = 1000;

    /// <summary>Arrival rate of <c>reply</c>, messages per second.</summary>
    public int ReplyRate { get; private set; } = 200;

    /// <summary>Arrival rate of <c>history</c>, requests per second (half lists, half message pages).</summary>
    public int HistoryRate { get; private set; } = 100;

    public int HistoryMessages { get; private set; } = 1_000_000;

    /// <summary>
    /// Seconds of load at the scenario's own rate before a reply scenario measures, drained before the measured part.
    /// A fresh service spends most of its first minute compiling (tiered JIT): measured from a cold start, that work
    /// was counted as the cost of replies.
    /// </summary>
    public int ReplyWarmUpSeconds { get; private set; } = 45;

    public int HistoryConversations { get; private set; } = 10_000;

    public string? ServiceDll { get; private set; }

    public bool KeepLogs { get; private set; }

    /// <summary>Extra configuration for the service, e.g. <c>--set Hangfire__WorkerCount=20</c>.</summary>
    public Dictionary<string, string> ServiceSettings { get; } = new(StringComparer.Ordinal);

    public string? PostgresConnectionString { get; private set; } =
        Environment.GetEnvironmentVariable("CLEANAGENT_BENCH_PG") is { Length: > 0 } pg ? pg : Environment.GetEnvironmentVariable("CLEANAGENT_TEST_POSTGRES");

    public int SecondsFor(string scenario) => Seconds ?? (scenario.StartsWith("reply", StringComparison.Ordinal) ? 30 : 20);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        string scenario = "all", provider = "all";
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture) is var n and > 0 ? n : throw new ArgumentException($"{args[i - 1]} must be positive");
            switch (args[i])
            {
                case "--scenario": scenario = Next(); break;
                case "--provider": provider = Next(); break;
                case "--seconds": options.Seconds = NextInt(); break;
                case "--json": options.JsonFile = Next(); break;
                case "--markdown": options.MarkdownFile = Next(); break;
                case "--connections": options.Connections = NextInt(); break;
                case "--ingest-rate": options.IngestRate = NextInt(); break;
                case "--reply-rate": options.ReplyRate = NextInt(); break;
                case "--history-rate": options.HistoryRate = NextInt(); break;
                case "--history-messages": options.HistoryMessages = NextInt(); break;
                case "--warmup": options.ReplyWarmUpSeconds = int.Parse(Next(), CultureInfo.InvariantCulture) is var w and >= 0 ? w : throw new ArgumentException("--warmup must be 0 or more"); break;
                case "--history-conversations": options.HistoryConversations = NextInt(); break;
                case "--service": options.ServiceDll = Next(); break;
                case "--keep-logs": options.KeepLogs = true; break;
                case "--pg": options.PostgresConnectionString = Next(); break;
                case "--set":
                    var setting = Next().Split('=', 2);
                    options.ServiceSettings[setting[0]] = setting.Length == 2 ? setting[1] : throw new ArgumentException("--set needs KEY=VALUE");
                    break;
                case "-h" or "--help": throw new HelpRequestedException();
                default: throw new ArgumentException($"Unknown argument {args[i]}");
            }
        }

        foreach (var name in scenario.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (name == "all")
            {
                options.Scenarios.AddRange(AllScenarios);
            }
            else if (AllScenarios.Contains(name))
            {
                options.Scenarios.Add(name);
            }
            else
            {
                throw new ArgumentException($"Unknown scenario {name}; use {string.Join(", ", AllScenarios)} or all");
            }
        }

        options.Providers.AddRange(provider.ToLowerInvariant() switch
        {
            "all" => ["sqlite", "postgresql"],
            "sqlite" => ["sqlite"],
            "postgresql" or "postgres" or "pg" => ["postgresql"],
            _ => throw new ArgumentException($"Unknown provider {provider}; use sqlite, postgresql or all"),
        });
        options.HistoryConversations = Math.Min(options.HistoryConversations, options.HistoryMessages);
        return options;
    }

    public const string Usage = """
        dotnet run -c Release --project bench/CleanAgent.Bench -- [options]
          --scenario NAME|all      ceiling, ingest, ingest-rate, reply, reply-slow-model, history, knowledge, knowledge-search (comma-separated) or all (default)
          --provider P|all         sqlite, postgresql or all (default)
          --seconds N              length of each measured phase (default 20; reply 30)
          --json FILE              also write the rows as a JSON array
          --markdown FILE          also write the Markdown table
          --connections N          closed-loop connections for ceiling/ingest (default 32)
          --ingest-rate N          arrival rate of ingest-rate (default 1000/s)
          --reply-rate N           arrival rate of reply (default 200/s)
          --history-rate N         arrival rate of history (default 100/s)
          --history-messages N     messages seeded for history (default 1000000, over 10000 conversations)
          --warmup N               seconds of load at the scenario's rate before a reply scenario measures (default 45; 0: cold start)
          --service DLL            the CleanAgent.WebApi.dll to start (default: the one built beside this program)
          --set KEY=VALUE          extra service configuration (environment form, e.g. Hangfire__WorkerCount=20); repeatable
          --keep-logs              keep the service logs (they are kept anyway when a scenario fails)
          --pg CONNSTRING          PostgreSQL server (default: $CLEANAGENT_BENCH_PG, else $CLEANAGENT_TEST_POSTGRES)
        """;
}

internal sealed class HelpRequestedException() : Exception("help");
