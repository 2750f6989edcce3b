namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// An Okapi BM25 index over one agent's chunks. Scores are divided by the sum of the query terms'
/// IDF, so 1 means roughly "every query word found once in a chunk of average length", whatever
/// the query's length, and a caller can set one relevance threshold for all questions.
/// </summary>
internal sealed class Bm25Index
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    private readonly Dictionary<string, List<(int Chunk, int Frequency)>> _postings = new(StringComparer.Ordinal);
    private readonly int[] _lengths;
    private readonly double _averageLength;

    public Bm25Index(IReadOnlyList<IndexedChunk> chunks)
    {
        Chunks = chunks;
        _lengths = new int[chunks.Count];
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < chunks.Count; i++)
        {
            frequencies.Clear();
            var terms = SearchTerms.Tokenize(chunks[i].Text);
            _lengths[i] = terms.Count;
            foreach (var term in terms)
            {
                frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
            }

            foreach (var (term, frequency) in frequencies)
            {
                if (!_postings.TryGetValue(term, out var list))
                {
                    _postings[term] = list = [];
                }

                list.Add((i, frequency));
            }
        }

        _averageLength = chunks.Count == 0 ? 1 : Math.Max(1, _lengths.Average());
    }

    public IReadOnlyList<IndexedChunk> Chunks { get; }

    /// <summary>Chunks with a relative score of at least <paramref name="minimumScore"/>, best first.</summary>
    public List<(IndexedChunk Chunk, double Score)> Search(string query, double minimumScore)
    {
        var terms = SearchTerms.Tokenize(query).Distinct(StringComparer.Ordinal).ToList();
        if (terms.Count == 0 || Chunks.Count == 0)
        {
            return [];
        }

        var scores = new double[Chunks.Count];
        var idfSum = 0.0;
        foreach (var term in terms)
        {
            _postings.TryGetValue(term, out var postings);
            var documentFrequency = postings?.Count ?? 0;
            var idf = Math.Log(1 + ((Chunks.Count - documentFrequency + 0.5) / (documentFrequency + 0.5)));
            if (postings is null)
            {
                // A word no chunk contains ("today" in "when are you open today?") cannot tell chunks apart;
                // it weighs a little less than a rare word, so one stray word lowers a match without
                // sinking it, while two ("do you sell used cars?") do.
                idfSum += 0.8 * Math.Log(1 + ((Chunks.Count - 0.5) / 1.5));
                continue;
            }

            idfSum += idf;

            foreach (var (chunk, frequency) in postings)
            {
                var norm = K1 * (1 - B + (B * _lengths[chunk] / _averageLength));
                scores[chunk] += idf * frequency * (K1 + 1) / (frequency + norm);
            }
        }

        var results = new List<(IndexedChunk, double)>();
        for (var i = 0; i < scores.Length; i++)
        {
            var relative = scores[i] / idfSum;
            if (scores[i] > 0 && relative >= minimumScore)
            {
                results.Add((Chunks[i], relative));
            }
        }

        return [.. results.OrderByDescending(r => r.Item2)];
    }
}

internal sealed record IndexedChunk(string Text, int Tokens, string DocumentName);
