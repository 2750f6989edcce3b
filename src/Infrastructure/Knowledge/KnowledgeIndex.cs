using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// One agent's knowledge in a Lucene index: each chunk in the field of its file's language, analysed
/// with that language's stop words and stemmer (German and Dutch compounds split by the agent's own
/// words). A question is ranked by BM25, then scored by how much of it a chunk covers.
/// </summary>
internal sealed partial class KnowledgeIndex : IDisposable
{
    /// <summary>A word misspelt in the question counts this much of a word found as written.</summary>
    private const double FuzzyWeight = 0.8;

    private const int Candidates = 20;

    private const int MinPrefixStem = 5;

    private const int MaxRememberedTypos = 10_000;

    private readonly ConcurrentDictionary<(string Field, string Word), (string Term, double Idf)[]> _nearest = new();

    private readonly RAMDirectory _directory = new();
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly Dictionary<string, Analyzer> _analyzers;
    private readonly Chunk[] _chunks;
    private readonly int[] _ordinals;
    private readonly Dictionary<string, Dictionary<string, string[]>> _synonyms = [];

    private KnowledgeIndex(Chunk[] chunks, Dictionary<string, Analyzer> analyzers, IReadOnlyList<string[]> synonyms, CancellationToken cancellationToken)
    {
        _chunks = chunks;
        _analyzers = analyzers;
        var similarity = new BM25Similarity();
        var config = new IndexWriterConfig(KnowledgeLanguages.Version, new PerFieldAnalyzerWrapper(analyzers.Values.First(), analyzers.ToDictionary(a => FieldOf(a.Key), a => a.Value)))
        {
            Similarity = similarity,
            OpenMode = OpenMode.CREATE,
            RAMBufferSizeMB = 64,
        };
        using (var writer = new IndexWriter(_directory, config))
        {
            for (var i = 0; i < chunks.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = chunks[i];
                writer.AddDocument(new Document
                {
                    new TextField(FieldOf(chunk.Language), chunk.Text, Field.Store.NO),
                    new StoredField("ord", i),
                });
                chunk.Terms.UnionWith(KnowledgeLanguages.Terms(analyzers[chunk.Language], chunk.Text));
            }

            writer.Commit();
        }

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = similarity };
        _ordinals = new int[_reader.MaxDoc];
        for (var d = 0; d < _reader.MaxDoc; d++)
        {
            _ordinals[d] = _reader.Document(d).GetField("ord").GetInt32Value() ?? 0;
        }

        foreach (var (language, analyzer) in analyzers)
        {
            // Each term of a synonym group (analysed like the knowledge) stands for all the group's terms.
            var map = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var group in synonyms)
            {
                var terms = group.SelectMany(w => KnowledgeLanguages.Terms(analyzer, w)).Distinct().ToArray();
                foreach (var term in terms)
                {
                    map[term] = map.TryGetValue(term, out var other) ? [.. other.Union(terms)] : terms;
                }
            }

            _synonyms[language] = map;
        }
    }

    public int Count => _chunks.Length;

    /// <summary>About how many bytes the index holds, for the cache's bound.</summary>
    public long ApproximateBytes { get; private set; }

    /// <param name="language">The agent's knowledge language: a code, or null (auto) for each file's own, detected.</param>
    public static KnowledgeIndex Build(IReadOnlyList<KnowledgeSource> documents, IReadOnlyList<string[]> synonyms, CancellationToken cancellationToken, string? language = null)
    {
        var chosen = language is not null && KnowledgeLanguages.IsKnown(language) ? language : null;
        var languages = documents.ToDictionary(
            d => d,
            d => chosen ?? KnowledgeLanguages.Detect(string.Join('\n', d.Chunks.Select(c => c.Text).TakeWhile((_, i) => i < 200))));
        var analyzers = new Dictionary<string, Analyzer>();
        foreach (var code in languages.Values.Distinct())
        {
            var compounds = code is "de" or "nl"
                ? CompoundDictionary(code, documents.Where(d => languages[d] == code).SelectMany(d => d.Chunks).Select(c => c.Text))
                : null;
            analyzers[code] = KnowledgeLanguages.AnalyzerFor(code, compounds);
        }

        var chunks = documents
            .SelectMany(d => d.Chunks.Select((c, i) => new Chunk(c.Text, c.Tokens, d.Name, languages[d]) { Vector = d.Vectors?[i] }))
            .ToArray();
        return new KnowledgeIndex(chunks, analyzers, synonyms, cancellationToken)
        {
            ApproximateBytes = 4096 + chunks.Sum(c => (c.Text.Length * 6L) + 256 + (c.Vector?.Length ?? 0)),
            HasVectors = chunks.Any(c => c.Vector is not null),
        };
    }

    /// <summary>Whether any chunk has a vector (its file was uploaded with the embedding model in use).</summary>
    public bool HasVectors { get; private init; }

    /// <summary>
    /// The chunks closest in meaning to a question's vector (same model, same form), best first, with their cosine
    /// similarity, down to <paramref name="minimum"/>. Every vector is compared: a few milliseconds at 5,000 rows.
    /// </summary>
    public List<(Chunk Chunk, double Similarity)> NearestByMeaning(byte[] question, int max, double minimum)
    {
        var query = KnowledgeVectors.Components(question);
        var queryNorm = KnowledgeVectors.Norm(query);
        var found = new List<(Chunk, double)>();
        if (queryNorm == 0)
        {
            return found;
        }

        foreach (var chunk in _chunks)
        {
            if (chunk.Vector is { } vector && vector.Length == question.Length && chunk.VectorNorm > 0)
            {
                var similarity = KnowledgeVectors.Dot(query, KnowledgeVectors.Components(vector)) / (queryNorm * chunk.VectorNorm);
                if (similarity >= minimum)
                {
                    found.Add((chunk, Math.Round(similarity, 4)));
                }
            }
        }

        return [.. found.OrderByDescending(f => f.Item2).Take(max)];
    }

    /// <summary>
    /// Hybrid ranking: reciprocal rank fusion (each list adds 1 / (60 + rank)) of the lexical and the semantic lists.
    /// A chunk's score is the better of its two: its coverage of the question's words, or its similarity.
    /// </summary>
    public static List<(Chunk Chunk, double Score)> Fuse(IReadOnlyList<(Chunk Chunk, double Score)> lexical, IReadOnlyList<(Chunk Chunk, double Similarity)> semantic, int max)
    {
        const double K = 60;
        var fused = new Dictionary<Chunk, (double Rank, double Score)>(ReferenceEqualityComparer.Instance);
        foreach (var list in new[] { lexical, semantic })
        {
            for (var i = 0; i < list.Count; i++)
            {
                var (chunk, score) = list[i];
                var current = fused.GetValueOrDefault(chunk);
                fused[chunk] = (current.Rank + (1 / (K + i + 1)), Math.Max(current.Score, score));
            }
        }

        return [.. fused
            .OrderByDescending(f => f.Value.Rank).ThenByDescending(f => f.Value.Score)
            .Take(max)
            .Select(f => (f.Key, f.Value.Score))];
    }

    /// <summary>The chunks that best answer <paramref name="message"/>, best first, with a score from 0 to 1.</summary>
    public List<(Chunk Chunk, double Score)> Search(string message, int max)
    {
        var pieces = Pieces(message);
        var best = new Dictionary<int, (double Score, double Rank)>();
        foreach (var (language, analyzer) in _analyzers)
        {
            var field = FieldOf(language);
            var scored = pieces.Select((p, i) => (Whole: i == 0, Scored: Score(field, analyzer, _synonyms[language], p))).Where(s => s.Scored.Weight > 0).ToList();

            // A clause counts by how much it says: one rare word alone ("helmet" in a story) is trusted less
            // than a question with two, however long the story around it; a greeting says nothing. The whole
            // message is trusted as it is: its own noise already lowers its score.
            var enough = 1.5 * Idf(_reader.MaxDoc, 1);
            foreach (var (whole, (weight, matches)) in scored)
            {
                var trust = whole ? 1 : Math.Sqrt(Math.Min(1, weight / enough));
                foreach (var (ordinal, coverage, rank) in matches)
                {
                    var score = coverage * trust;
                    var current = best.GetValueOrDefault(ordinal);
                    if (score > current.Score || (score == current.Score && rank > current.Rank))
                    {
                        best[ordinal] = (score, rank);
                    }
                }
            }
        }

        return [.. best
            .Where(b => b.Value.Score > 0)
            .OrderByDescending(b => b.Value.Score).ThenByDescending(b => b.Value.Rank)
            .Take(max)
            .Select(b => (_chunks[b.Key], Math.Round(b.Value.Score, 4)))];
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        foreach (var analyzer in _analyzers.Values)
        {
            analyzer.Dispose();
        }
    }

    private static string FieldOf(string language) => "t_" + language;

    private static CharArraySet CompoundDictionary(string language, IEnumerable<string> texts)
    {
        using var words = KnowledgeLanguages.WordsAnalyzer(language);
        var dictionary = new CharArraySet(KnowledgeLanguages.Version, 1024, ignoreCase: false);
        foreach (var text in texts)
        {
            foreach (var word in KnowledgeLanguages.Terms(words, text).Where(w => w.Length >= 4 && w.All(char.IsLetter)))
            {
                if (dictionary.Add(word))
                {
                    var stem = KnowledgeLanguages.Stem(language, word);
                    if (stem.Length >= 4)
                    {
                        dictionary.Add(stem);
                    }
                }
            }
        }

        return dictionary;
    }

    /// <summary>The whole message and each of its sentences and clauses: the question may sit inside a greeting and a story.</summary>
    private static List<string> Pieces(string message)
    {
        var pieces = new List<string> { message };
        var clauses = ClauseBreak().Split(message).Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        if (clauses.Count > 1)
        {
            pieces.AddRange(clauses);
        }

        return pieces;
    }

    private (double Weight, List<(int Ordinal, double Coverage, float Rank)> Matches) Score(
        string field, Analyzer analyzer, Dictionary<string, string[]> synonyms, string piece)
    {
        var documents = _reader.MaxDoc;
        var unknownIdf = 0.8 * Idf(documents, 1);
        var groups = new List<List<(string Term, double Idf, double Credit)>>();
        var query = new BooleanQuery();
        foreach (var group in Groups(analyzer, field, piece, synonyms))
        {
            var alternatives = new List<(string, double, double)>();
            foreach (var word in group)
            {
                var frequency = _reader.DocFreq(new Term(field, word));
                if (frequency > 0)
                {
                    alternatives.Add((word, Idf(documents, frequency), 1.0));
                    continue;
                }

                if (word.Length < 4 || word.Any(char.IsDigit))
                {
                    continue;
                }

                foreach (var (term, idf) in Nearest(field, word))
                {
                    alternatives.Add((term, idf, FuzzyWeight));
                }
            }

            if (alternatives.Count == 0)
            {
                // A word no chunk holds cannot tell chunks apart, but it is part of the question.
                groups.Add([(string.Empty, unknownIdf, 0)]);
                continue;
            }

            groups.Add(alternatives);
            foreach (var (term, _, credit) in alternatives)
            {
                query.Add(new TermQuery(new Term(field, term)) { Boost = (float)credit }, Occur.SHOULD);
            }
        }

        var known = groups.Where(g => g[0].Credit > 0).Sum(g => g.Max(a => a.Idf));
        if (known == 0)
        {
            return (0, []);
        }

        var total = groups.Sum(g => g.Max(a => a.Idf));
        var matches = new List<(int, double, float)>();
        // In document order: the out-of-order scorer allocates a 2,048-bucket table per query.
        var collector = TopScoreDocCollector.Create(Candidates, docsScoredInOrder: true);
        _searcher.Search(query, collector);
        foreach (var hit in collector.GetTopDocs().ScoreDocs)
        {
            var ordinal = _ordinals[hit.Doc];
            var terms = _chunks[ordinal].Terms;
            var covered = 0.0;
            foreach (var group in groups)
            {
                var weight = group.Max(a => a.Idf);
                var found = group.Where(a => a.Credit > 0 && terms.Contains(a.Term)).Select(a => Math.Min(weight, a.Idf) * a.Credit).DefaultIfEmpty(0).Max();
                covered += found;
            }

            matches.Add((ordinal, covered / total, hit.Score));
        }

        return (known, matches);
    }

    /// <summary>A typo ("delivry", "Rückgabe" as "Rückgbae"): the nearest words the index holds, remembered per word.</summary>
    private (string Term, double Idf)[] Nearest(string field, string word)
    {
        if (_nearest.TryGetValue((field, word), out var known))
        {
            return known;
        }

        var fuzzy = new FuzzyQuery(new Term(field, word), word.Length >= 8 ? 2 : 1, prefixLength: 1, maxExpansions: 3, transpositions: true);
        var terms = new HashSet<Term>();
        _searcher.Rewrite(fuzzy).ExtractTerms(terms);

        // An inflection the stemmer does not know ("alquilais" without its accent): the longest stem the index
        // holds that the word starts with, if it keeps most of the word.
        for (var length = word.Length - 1; length >= Math.Max(MinPrefixStem, (word.Length * 3 + 4) / 5); length--)
        {
            var prefix = new Term(field, word[..length]);
            if (_reader.DocFreq(prefix) > 0)
            {
                terms.Add(prefix);
                break;
            }
        }
        var nearest = terms.Select(t => (t.Text, Idf(_reader.MaxDoc, _reader.DocFreq(t)))).ToArray();
        if (_nearest.Count < MaxRememberedTypos)
        {
            _nearest[(field, word)] = nearest;
        }

        return nearest;
    }

    /// <summary>The analysed words of a text, grouped by position (a compound and its parts are one group), synonyms added.</summary>
    private static List<List<string>> Groups(Analyzer analyzer, string field, string text, Dictionary<string, string[]> synonyms)
    {
        var groups = new List<List<string>>();
        using (var stream = analyzer.GetTokenStream(field, text))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            var increment = stream.AddAttribute<IPositionIncrementAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                if (increment.PositionIncrement > 0 || groups.Count == 0)
                {
                    groups.Add([]);
                }

                groups[^1].Add(term.ToString());
            }

            stream.End();
        }

        if (synonyms.Count > 0)
        {
            foreach (var group in groups)
            {
                group.AddRange(group.SelectMany(t => synonyms.GetValueOrDefault(t, [])).Except(group).ToList());
            }
        }

        return groups;
    }

    private static double Idf(int documents, int frequency) =>
        Math.Log(1 + ((documents - frequency + 0.5) / (frequency + 0.5)));

    [GeneratedRegex(@"(?<=[.!?¿¡;:\n])\s*|[\p{So}\p{Cs}]+\s*|,\s+|\s+-\s+|\s+(?:but|aber|pero|mais|ma|mas|maar)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex ClauseBreak();

    internal sealed record Chunk(string Text, int Tokens, string DocumentName, string Language)
    {
        private readonly byte[]? _vector;

        public HashSet<string> Terms { get; } = new(StringComparer.Ordinal);

        /// <summary>The chunk's vector in <see cref="KnowledgeVectors"/>' form, or null.</summary>
        public byte[]? Vector
        {
            get => _vector;
            init
            {
                _vector = value;
                VectorNorm = value is null ? 0 : KnowledgeVectors.Norm(KnowledgeVectors.Components(value));
            }
        }

        public double VectorNorm { get; private init; }
    }
}

/// <param name="Vectors">One vector (or null) per chunk, when the file was embedded with the model in use.</param>
internal sealed record KnowledgeSource(string Name, IReadOnlyList<(string Text, int Tokens)> Chunks, IReadOnlyList<byte[]?>? Vectors = null);
