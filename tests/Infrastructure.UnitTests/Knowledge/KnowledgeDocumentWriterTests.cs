using System.Data.Common;
using CleanAgent.Domain.Agents;
using CleanAgent.Infrastructure.Knowledge;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.Infrastructure.UnitTests.Knowledge;

public sealed class KnowledgeDocumentWriterTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly Agent _agent = Agent.Create(new AgentSettings("Shop", "Help."), DateTime.UtcNow);

    public KnowledgeDocumentWriterTests()
    {
        _connection.Open();
        using var db = NewContext();
        db.Database.EnsureCreated();
        db.Agents.Add(_agent);
        db.SaveChanges();
    }

    private SqliteAppDbContext NewContext() => new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(_connection).Options);

    private KnowledgeDocument Document(int rows)
    {
        var document = KnowledgeDocument.Create(
            _agent.Id, "faq.csv", "text/csv", 1234, Enumerable.Range(0, rows).Select(i => ($"question: q{i}\nanswer: a{i}", i % 7)), new DateTime(2026, 12, 2, 11, 0, 0, DateTimeKind.Utc));
        document.AttachEmbeddings("model-x", [.. Enumerable.Range(0, rows).Select(i => new byte[] { (byte)i, 1, 2 })]);
        return document;
    }

    [Fact]
    public async Task Rows_read_back_through_ef_core_as_they_were_written_across_several_statements()
    {
        var document = Document((2 * KnowledgeDocumentWriter.RowsPerStatement) + 50);
        await using (var db = NewContext())
        {
            await new KnowledgeDocumentWriter(db).AddAsync(document, CancellationToken.None);
            Assert.Empty(db.ChangeTracker.Entries());
        }

        await using var read = NewContext();
        var stored = await read.KnowledgeDocuments.Include(d => d.Chunks).SingleAsync();
        Assert.Equal((document.Id, document.AgentId, document.FileName, document.ContentType, document.SizeBytes, document.ChunkCount, document.CreatedAt, document.EmbeddingModel),
            (stored.Id, stored.AgentId, stored.FileName, stored.ContentType, stored.SizeBytes, stored.ChunkCount, stored.CreatedAt, stored.EmbeddingModel));
        Assert.Equal(
            document.Chunks.Select(c => (c.Id, c.DocumentId, c.AgentId, c.Ordinal, c.Text, c.TokenCount, Convert.ToHexString(c.Embedding!))),
            stored.Chunks.OrderBy(c => c.Ordinal).Select(c => (c.Id, c.DocumentId, c.AgentId, c.Ordinal, c.Text, c.TokenCount, Convert.ToHexString(c.Embedding!))));
    }

    [Fact]
    public async Task A_row_failing_in_a_later_statement_leaves_nothing_of_the_file()
    {
        var document = Document((2 * KnowledgeDocumentWriter.RowsPerStatement) + 50);
        await using (var db = NewContext())
        {
            // Another file already holds the id of a chunk in the third statement.
            var other = Document(1);
            await new KnowledgeDocumentWriter(db).AddAsync(other, CancellationToken.None);
            await db.Database.ExecuteSqlAsync($"UPDATE KnowledgeChunks SET Id = {document.Chunks[^1].Id.ToString().ToUpperInvariant()}");

            await Assert.ThrowsAnyAsync<DbException>(() => new KnowledgeDocumentWriter(db).AddAsync(document, CancellationToken.None));
        }

        await using var read = NewContext();
        Assert.False(await read.KnowledgeDocuments.AnyAsync(d => d.Id == document.Id));
        Assert.Equal(1, await read.KnowledgeChunks.CountAsync());
    }

    public void Dispose() => _connection.Dispose();
}
