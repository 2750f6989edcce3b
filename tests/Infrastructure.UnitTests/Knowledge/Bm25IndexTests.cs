using System.Diagnostics;
using System.Globalization;
using System.Text;
using CleanAgent.Infrastructure.Knowledge;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace CleanAgent.Infrastructure.UnitTests.Knowledge;

public sealed class Bm25IndexTests(ITestOutputHelper output)
{
    internal static readonly IndexedChunk[] Faq =
    [
        new("question: What are your opening hours?\nanswer: We are open Monday to Saturday, 9am to 7pm.", 20, "faq.csv"),
        new("question: How much does shipping cost?\nanswer: Shipping costs 5 EUR; free above 50 EUR.", 20, "faq.csv"),
        new("question: Can I return a product?\nanswer: Yes, within 30 days with the receipt.", 20, "faq.csv"),
        new("question: Which payment methods do you accept?\nanswer: Visa, Mastercard and PayPal.", 20, "faq.csv"),
        new("question: Do you sell gift cards?\nanswer: Yes, from 10 to 200 EUR.", 20, "faq.csv"),
    ];

    [Theory]
    [InlineData("When do you open on saturday?", "opening hours")]
    [InlineData("how much is shipping?", "shipping cost")]
    [InlineData("I want to RETURN the products I bought", "return a product")]
    [InlineData("Do you accept PayPal?", "payment methods")]
    public void Best_match_is_the_row_that_shares_the_questions_words(string query, string expected)
    {
        var index = new Bm25Index(Faq);

        var best = index.Search(query, 0).First();

        Assert.Contains(expected, best.Chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unrelated_question_matches_nothing()
    {
        var index = new Bm25Index(Faq);

        Assert.Empty(index.Search("What's the weather like in Paris tomorrow?", 0));
    }

    [Fact]
    public void Accents_and_case_do_not_matter()
    {
        var index = new Bm25Index([new IndexedChunk("pregunta: ¿Cuál es el horario?\nrespuesta: Abrimos a las 9.", 10, "faq.csv")]);

        Assert.Single(index.Search("HORARIO cual", 0));
    }

    [Fact]
    public void Five_thousand_row_faq_is_indexed_and_searched()
    {
        var csv = new StringBuilder("id,question,answer\n");
        for (var i = 0; i < 5000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},\"How do I configure option{i} for product {i % 37}?\",\"Open settings, choose option{i} and press save ({i}).\"\n");
        }

        var reader = new KnowledgeFileReader(Options.Create(new KnowledgeOptions { MaxFileBytes = 10_000_000 }));
        var watch = Stopwatch.StartNew();
        var chunks = reader.Read(Encoding.UTF8.GetBytes(csv.ToString()), "big.csv", "text/csv").Chunks;
        var read = watch.Elapsed;
        watch.Restart();
        var index = new Bm25Index([.. chunks.Select(c => new IndexedChunk(c.Text, c.Tokens, "big.csv"))]);
        var built = watch.Elapsed;
        watch.Restart();
        var results = index.Search("how to configure option4321?", 0.15);
        var searched = watch.Elapsed;

        output.WriteLine($"5,000 rows: read+chunk+count tokens {read.TotalMilliseconds:F0} ms, build index {built.TotalMilliseconds:F0} ms, one query {searched.TotalMilliseconds:F2} ms");
        Assert.Equal(5000, chunks.Count);
        Assert.Contains("option4321 ", results[0].Chunk.Text, StringComparison.Ordinal);
    }
}
