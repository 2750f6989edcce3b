using System.Globalization;
using System.Text;
using CleanAgent.Infrastructure.Knowledge;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.UnitTests.Knowledge;

public sealed class KnowledgeIndexTests
{
    internal static readonly (string Text, int Tokens)[] Faq =
    [
        ("question: What are your opening hours?\nanswer: We are open Monday to Saturday, 9am to 7pm.", 20),
        ("question: How much does shipping cost?\nanswer: Shipping costs 5 EUR; free above 50 EUR.", 20),
        ("question: Can I return a product?\nanswer: Yes, within 30 days with the receipt.", 20),
        ("question: Which payment methods do you accept?\nanswer: Visa, Mastercard and PayPal.", 20),
        ("question: Do you sell gift cards?\nanswer: Yes, from 10 to 200 EUR.", 20),
    ];

    private static readonly (string Text, int Tokens)[] GermanFaq =
    [
        ("frage: Wie lange dauert die Lieferung?\nantwort: Die Lieferzeit beträgt 2 bis 3 Werktage.", 20),
        ("frage: Kann ich eine Rücksendung beantragen?\nantwort: Ja, das Rücksendeetikett liegt dem Paket bei.", 20),
        ("frage: Welche Zahlungsarten gibt es?\nantwort: Kreditkarte, PayPal und Rechnung.", 20),
        ("frage: Wo ist euer Geschäft?\nantwort: In der Hauptstraße 5 in Köln.", 20),
    ];

    internal static KnowledgeIndex Index(params (string Text, int Tokens)[] chunks) =>
        KnowledgeIndex.Build([new KnowledgeSource("faq.csv", chunks)], [], CancellationToken.None);

    [Theory]
    [InlineData("When do you open on saturday?", "opening hours")]
    [InlineData("how much is shipping?", "shipping cost")]
    [InlineData("I want to RETURN the products I bought", "return a product")]
    [InlineData("Do you accept PayPal?", "payment methods")]
    [InlineData("how much do you charge for shiping", "shipping cost")]
    public void Best_match_is_the_row_that_shares_the_questions_words(string query, string expected) =>
        Assert.Contains(expected, Index(Faq).Search(query, 3)[0].Chunk.Text, StringComparison.Ordinal);

    [Fact]
    public void Unrelated_question_matches_nothing() =>
        Assert.Empty(Index(Faq).Search("What's the weather like in Paris tomorrow?", 3));

    [Fact]
    public void Question_inside_a_long_message_scores_as_if_asked_alone()
    {
        var index = Index(Faq);
        var alone = index.Search("Can I return a product?", 1)[0];

        var story = index.Search(
            "Hi there!! Hope you're well. Last month my sister gave me a scarf for my birthday but honestly the colour is awful. Can I return a product? Thanks so much", 1)[0];

        Assert.Equal(alone.Chunk, story.Chunk);
        Assert.True(story.Score >= alone.Score * 0.9, $"{story.Score} vs {alone.Score}");
    }

    [Theory]
    [InlineData("Wann kommt meine Lieferung an?", "Lieferzeit")]
    [InlineData("wie lang ist die lieferzeit", "Lieferzeit")]
    [InlineData("Rueckgabe moeglich? Brauche ein Ruecksendeetikett", "Rücksendung")]
    [InlineData("Kann ich mit Kreditkarte zahlen", "Zahlungsarten")]
    [InlineData("wo ist das geschaeft", "Hauptstraße")]
    public void German_words_are_stemmed_split_and_umlauts_folded(string query, string expected) =>
        Assert.Contains(expected, Index(GermanFaq).Search(query, 3)[0].Chunk.Text, StringComparison.Ordinal);

    [Fact]
    public void Accents_and_case_do_not_matter() =>
        Assert.Single(Index(("pregunta: ¿Cuál es el horario?\nrespuesta: Abrimos a las 9.", 10)).Search("HORARIO cual", 3));

    [Fact]
    public void Synonyms_match_words_the_faq_does_not_use()
    {
        var index = KnowledgeIndex.Build([new KnowledgeSource("faq.csv", Faq)], [["voucher", "gift card"]], CancellationToken.None);

        Assert.Contains("gift cards", index.Search("do you have vouchers?", 3)[0].Chunk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_file_is_analysed_in_its_own_language()
    {
        var index = KnowledgeIndex.Build(
            [new KnowledgeSource("faq.csv", Faq), new KnowledgeSource("faq-de.csv", GermanFaq)], [], CancellationToken.None);

        Assert.Equal("faq-de.csv", index.Search("Lieferungen", 1)[0].Chunk.DocumentName);
        Assert.Equal("faq.csv", index.Search("shipped", 1)[0].Chunk.DocumentName);
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
        var chunks = reader.Read(Encoding.UTF8.GetBytes(csv.ToString()), "big.csv", "text/csv", CancellationToken.None).Chunks;
        var index = KnowledgeIndex.Build([new KnowledgeSource("big.csv", [.. chunks.Select(c => (c.Text, c.Tokens))])], [], CancellationToken.None);

        Assert.Equal(5000, index.Count);
        Assert.Contains("option4321 ", index.Search("how to configure option4321?", 3)[0].Chunk.Text, StringComparison.Ordinal);
    }
}
