using Bunit;
using CleanAgent.Application.Agents.Knowledge.SearchKnowledge;
using CleanAgent.WebApi.Components.Shared;

namespace CleanAgent.WebApi.FunctionalTests.Components;

public sealed class KnowledgeTryTests : IDisposable
{
    private readonly BunitContext _context = new();
    private readonly Guid _agentId = Guid.NewGuid();

    private IRenderedComponent<KnowledgeTry> Render(string? question, IReadOnlyList<KnowledgeSearchResultDto>? results, string? error = null) =>
        _context.Render<KnowledgeTry>(p => p
            .Add(c => c.AgentId, _agentId)
            .Add(c => c.Question, question)
            .Add(c => c.Results, results)
            .Add(c => c.Error, error));

    [Fact]
    public void The_box_asks_the_agents_own_page_with_the_question_kept()
    {
        var cut = Render("do you rent bikes", null);

        var form = cut.Find("form[role=search]");
        Assert.Equal("get", form.GetAttribute("method"));
        Assert.Equal($"/agents/{_agentId}", form.GetAttribute("action"));
        var input = cut.Find("#try-question");
        Assert.Equal("q", input.GetAttribute("name"));
        Assert.Equal("do you rent bikes", input.GetAttribute("value"));
        Assert.Equal("Try a question", cut.Find("label[for=try-question]").TextContent);
        Assert.Empty(cut.FindAll("#try-results"));
    }

    [Fact]
    public void Found_rows_are_listed_best_first_with_score_and_file()
    {
        var cut = Render("do you rent bikes",
        [
            new("question: Do you rent bikes?\nanswer: Yes, 15 EUR a day.", 1.0, "faq.csv"),
            new("question: Do you sell bikes?\nanswer: Yes.", 0.456, "faq.csv"),
        ]);

        var rows = cut.FindAll("#try-results tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["1", "1.00", "question: Do you rent bikes?\nanswer: Yes, 15 EUR a day.", "faq.csv"], rows[0].QuerySelectorAll("td").Select(c => c.TextContent));
        Assert.Equal("0.46", rows[1].QuerySelectorAll("td")[1].TextContent);
    }

    [Fact]
    public void Nothing_found_says_the_fallback_would_be_given()
    {
        var cut = Render("do you sell cars", []);

        Assert.Contains("fallback reply", cut.Find("#try-results").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("table"));
    }

    [Fact]
    public void A_refused_question_shows_why()
    {
        var cut = Render(new string('x', 10), null, "Question must be 4096 characters or fewer.");

        Assert.Equal("Question must be 4096 characters or fewer.", cut.Find("[role=alert]").TextContent);
    }

    public void Dispose() => _context.Dispose();
}
