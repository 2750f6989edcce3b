using CleanAgent.Application.Replies;
using CleanAgent.Infrastructure.UnitTests.Knowledge;
using CleanAgent.Infrastructure.Ai;
using CleanAgent.Infrastructure.Knowledge;

namespace CleanAgent.Infrastructure.UnitTests.Replies;

public sealed class OfflineReplyGeneratorTests
{
    private readonly OfflineReplyGenerator _generator = new();

    private static ReplyRequest Ask(string question, IReadOnlyList<KnowledgeMatch>? knowledge = null, string? fallback = null, string? name = null) =>
        new("You are a helpful shop assistant.", null, fallback, knowledge ?? Search(question), [], [question], name);

    private static List<KnowledgeMatch> Search(string question) =>
        [.. new Bm25Index(Bm25IndexTests.Faq).Search(question, Bm25KnowledgeSearch.MinimumScore).Select(r => new KnowledgeMatch(r.Chunk.Text, r.Score, r.Chunk.DocumentName))];

    [Theory]
    [InlineData("When do you open?", "We are open Monday to Saturday, 9am to 7pm.")]
    [InlineData("hi, when are you open today?", "We are open Monday to Saturday, 9am to 7pm.")]
    [InlineData("what are the shipping costs to Spain", "Shipping costs 5 EUR; free above 50 EUR.")]
    [InlineData("Can I pay by PayPal? which methods do you accept", "Visa, Mastercard and PayPal.")]
    [InlineData("is it possible to return something?", "Yes, within 30 days with the receipt.")]
    public async Task Faq_question_in_other_words_gets_that_rows_answer(string question, string answer) =>
        Assert.Equal(answer, await _generator.GenerateAsync(Ask(question), CancellationToken.None));

    [Theory]
    [InlineData("What's the weather like in Paris tomorrow?")]
    [InlineData("Do you sell used cars?")]
    public async Task Unrelated_question_gets_the_agents_fallback(string question) =>
        Assert.Equal("Let me check with the team.", await _generator.GenerateAsync(Ask(question, fallback: "Let me check with the team."), CancellationToken.None));

    [Fact]
    public async Task Without_a_fallback_the_built_in_line_is_used() =>
        Assert.Equal(OfflineReplyGenerator.DefaultFallback, await _generator.GenerateAsync(Ask("Tell me about quantum physics"), CancellationToken.None));

    [Fact]
    public async Task Answer_column_is_found_by_name_even_when_not_last()
    {
        var match = new KnowledgeMatch("pregunta: ¿Horario?\nrespuesta: De 9 a 18.\ncategoria: general", 1, "faq.csv");

        Assert.Equal("De 9 a 18.", await _generator.GenerateAsync(Ask("horario", [match]), CancellationToken.None));
    }

    [Fact]
    public async Task Text_knowledge_is_returned_cut_at_a_sentence()
    {
        var text = string.Concat(Enumerable.Repeat("Our cups are handmade in Lisbon from local clay. ", 40)).Trim();

        var reply = await _generator.GenerateAsync(Ask("cups", [new KnowledgeMatch(text, 1, "about.md")]), CancellationToken.None);

        Assert.InRange(reply.Length, 200, 1000);
        Assert.EndsWith("clay.", reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hi!", "Ana", "Hello Ana! How can I help you today?")]
    [InlineData("hola, buenos días", null, "¡Hola! ¿En qué puedo ayudarte?")]
    public async Task Greeting_gets_a_greeting(string message, string? name, string expected) =>
        Assert.Equal(expected, await _generator.GenerateAsync(Ask(message, [], name: name), CancellationToken.None));

    [Fact]
    public async Task Weak_match_is_not_used()
    {
        var weak = new KnowledgeMatch("question: Do you sell gift cards?\nanswer: Yes, from 10 to 200 EUR.", OfflineReplyGenerator.MinimumScore / 2, "faq.csv");

        Assert.Equal(OfflineReplyGenerator.DefaultFallback, await _generator.GenerateAsync(Ask("sell cars", [weak]), CancellationToken.None));
    }
}
