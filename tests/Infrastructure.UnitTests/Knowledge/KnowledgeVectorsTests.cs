using CleanAgent.Infrastructure.Knowledge;

namespace CleanAgent.Infrastructure.UnitTests.Knowledge;

public sealed class KnowledgeVectorsTests
{
    private static float[] Random(int seed, int dimensions)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1))];
    }

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b, (x, y) => (double)x * y).Sum() / (Math.Sqrt(a.Sum(x => (double)x * x)) * Math.Sqrt(b.Sum(x => (double)x * x)));

    [Theory]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(1536)]
    public void Quantized_vectors_keep_their_cosine_similarity_within_a_hundredth(int dimensions)
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var a = Random(seed, dimensions);
            var b = Random(seed + 100, dimensions).Select((x, i) => (x + a[i]) / 2).ToArray();
            var qa = KnowledgeVectors.Components(KnowledgeVectors.Quantize(a));
            var qb = KnowledgeVectors.Components(KnowledgeVectors.Quantize(b));

            var similarity = KnowledgeVectors.Dot(qa, qb) / (KnowledgeVectors.Norm(qa) * KnowledgeVectors.Norm(qb));

            Assert.InRange(similarity, Cosine(a, b) - 0.01, Cosine(a, b) + 0.01);
        }
    }

    [Fact]
    public void A_vector_is_one_byte_per_dimension_and_its_largest_component_is_127() =>
        Assert.Equal([127, 0, unchecked((byte)-64)], KnowledgeVectors.Quantize([0.5f, 0f, -0.25f]));

    [Fact]
    public void Nearest_by_meaning_ranks_by_cosine_and_drops_what_is_below_the_minimum()
    {
        var index = KnowledgeIndex.Build(
            [new KnowledgeSource("faq.csv", KnowledgeIndexTests.Faq[..3], [KnowledgeVectors.Quantize([1, 0, 0]), KnowledgeVectors.Quantize([0.6f, 0.8f, 0]), null])],
            [],
            CancellationToken.None);

        var nearest = index.NearestByMeaning(KnowledgeVectors.Quantize([0, 1, 0]), 5, 0.5);

        var (chunk, similarity) = Assert.Single(nearest);
        Assert.Contains("shipping", chunk.Text, StringComparison.Ordinal);
        Assert.InRange(similarity, 0.79, 0.81);
        Assert.True(index.HasVectors);
    }

    [Fact]
    public void Fusion_puts_first_what_both_lists_rank_high_and_keeps_each_chunks_better_score()
    {
        var index = KnowledgeIndexTests.Index(KnowledgeIndexTests.Faq);
        var chunks = index.Search("opening hours shipping return payment gift cards", 5).Select(m => m.Chunk).ToArray();
        var (a, b, c) = (chunks[0], chunks[1], chunks[2]);

        var fused = KnowledgeIndex.Fuse([(a, 0.9), (b, 0.3)], [(b, 0.7), (c, 0.6)], 10);

        Assert.Equal([b, a, c], fused.Select(f => f.Chunk));
        Assert.Equal([0.7, 0.9, 0.6], fused.Select(f => f.Score));
    }
}
