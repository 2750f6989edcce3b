using CleanAgent.Domain.Agents;
using CleanAgent.Infrastructure.Knowledge;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.UnitTests.Knowledge;

public sealed class LuceneKnowledgeSearchTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly KnowledgeIndexCache _cache = new(Options.Create(new KnowledgeOptions()));
    private readonly SqliteAppDbContext _db;
    private readonly Agent _agent = Agent.Create(new AgentSettings("Shop", "Help."), DateTime.UtcNow);

    public LuceneKnowledgeSearchTests()
    {
        _connection.Open();
        _db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(_connection).Options);
        _db.Database.EnsureCreated();
        _db.Agents.Add(_agent);
        _db.SaveChanges();
    }

    private LuceneKnowledgeSearch Search => new(_db, _cache, new CleanAgent.Infrastructure.Ai.NoKnowledgeEmbedder(), Options.Create(new KnowledgeOptions()));

    private async Task AddAsync(string fileName, params (string Text, int Tokens)[] chunks)
    {
        _db.KnowledgeDocuments.Add(KnowledgeDocument.Create(_agent.Id, fileName, "text/csv", 100, chunks, DateTime.UtcNow));
        await _db.SaveChangesAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Matches_fit_the_token_budget_best_first()
    {
        await AddAsync(
            "faq.csv",
            ("question: shipping cost\nanswer: 5 EUR", 400),
            ("question: shipping time\nanswer: 2 days", 150),
            ("question: shipping to Spain\nanswer: yes", 100));

        var matches = await Search.SearchAsync(_agent.Id, "shipping cost, time, Spain", 260, CancellationToken.None);

        Assert.Equal(["question: shipping time\nanswer: 2 days", "question: shipping to Spain\nanswer: yes"], matches.Select(m => m.Text).Order());
        Assert.True(matches[0].Score >= matches[1].Score);
    }

    [Fact]
    public async Task New_document_is_searched_even_after_the_index_was_cached()
    {
        await AddAsync("a.csv", ("question: opening hours\nanswer: 9 to 5", 10));
        Assert.Empty(await Search.SearchAsync(_agent.Id, "parking", 1000, CancellationToken.None));

        await AddAsync("b.csv", ("question: parking\nanswer: free parking behind the shop", 10));

        var match = Assert.Single(await Search.SearchAsync(_agent.Id, "parking", 1000, CancellationToken.None));
        Assert.Equal("b.csv", match.DocumentName);
    }

    [Fact]
    public async Task Knowledge_language_set_on_the_agent_is_used_instead_of_detection()
    {
        // Too short to tell its language: detected as English, where "ue" is not "ü".
        await AddAsync("faq.csv", ("Frage: Rückgabe\nAntwort: 30 Tage", 10));
        var detected = Assert.Single(await Search.SearchAsync(_agent.Id, "Rueckgabe", 1000, CancellationToken.None));

        _agent.Update(new AgentSettings("Shop", "Help.", KnowledgeLanguage: "de"), DateTime.UtcNow);
        await _db.SaveChangesAsync(CancellationToken.None);
        var chosen = Assert.Single(await Search.SearchAsync(_agent.Id, "Rueckgabe", 1000, CancellationToken.None));

        Assert.Equal(1.0, chosen.Score);
        Assert.True(detected.Score < chosen.Score, $"detected {detected.Score}, chosen {chosen.Score}");
    }

    [Fact]
    public async Task Agent_without_knowledge_gets_nothing() =>
        Assert.Empty(await Search.SearchAsync(_agent.Id, "anything at all", 1000, CancellationToken.None));

    public void Dispose()
    {
        _db.Dispose();
        _cache.Dispose();
        _connection.Dispose();
    }
}
