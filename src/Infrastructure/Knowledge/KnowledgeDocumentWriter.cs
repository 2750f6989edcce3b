using System.Data.Common;
using System.Text;
using CleanAgent.Application.Agents.Knowledge;
using CleanAgent.Domain.Agents;
using CleanAgent.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// Inserts a knowledge file and its chunks in one transaction with multi-row <c>INSERT</c>s, without the change
/// tracker: EF Core's <c>SaveChanges</c> tracked, snapshotted and wrote the 48,000 rows of a 2 MB CSV one command
/// each. Tables, columns and parameter types come from the EF model and its provider's type mappings (a Guid is
/// TEXT on SQLite), so the rows are the ones <c>SaveChanges</c> would write.
/// </summary>
internal sealed class KnowledgeDocumentWriter(AppDbContext db) : IKnowledgeDocumentWriter
{
    /// <summary>Rows per statement: 8 columns × 200 stays under SQL Server's 2,100 parameters.</summary>
    internal const int RowsPerStatement = 200;

    public async Task AddAsync(KnowledgeDocument document, CancellationToken cancellationToken)
    {
        var gate = (db as SqliteAppDbContext)?.WriteGate();
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        try
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await InsertAsync([document], transaction, cancellationToken);
                await InsertAsync(document.Chunks, transaction, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            });
        }
        finally
        {
            gate?.Release();
        }
    }

    private async Task InsertAsync<T>(IReadOnlyList<T> rows, IDbContextTransaction transaction, CancellationToken cancellationToken)
        where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = entity.GetProperties().ToArray();
        if (properties.FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
        {
            throw new InvalidOperationException($"{typeof(T).Name}.{shadow.Name} is a shadow property; the knowledge writer writes only mapped members.");
        }

        var sql = db.GetService<ISqlGenerationHelper>();
        var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) VALUES ";
        var mappings = properties.Select(p => p.GetRelationalTypeMapping()).ToArray();
        var getters = properties.Select(p => p.GetGetter()).ToArray();

        if (db is SqliteAppDbContext)
        {
            await InsertOneByOneAsync(rows, head, properties, mappings, getters, transaction, sql, cancellationToken);
            return;
        }

        var fullBatch = CommandText(head, Math.Min(RowsPerStatement, rows.Count), properties.Length, sql);
        foreach (var batch in rows.Chunk(RowsPerStatement))
        {
            // A new command per statement: one command reused with its parameters replaced failed on PostgreSQL with a duplicate key in its second statement.
            cancellationToken.ThrowIfCancellationRequested();
            await using var command = NewCommand(transaction);
            command.CommandText = batch.Length == RowsPerStatement || batch.Length == rows.Count ? fullBatch : CommandText(head, batch.Length, properties.Length, sql);
            for (var row = 0; row < batch.Length; row++)
            {
                for (var column = 0; column < properties.Length; column++)
                {
                    command.Parameters.Add(mappings[column].CreateParameter(
                        command, $"p{(row * properties.Length) + column}", getters[column].GetClrValue(batch[row]), properties[column].IsNullable));
                }
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// SQLite runs in process, so a round trip costs nothing; one prepared single-row statement with its values replaced
    /// is its fastest insert. Its 1,400-parameter statements were as slow as <c>SaveChanges</c> (18 s for 48,000 rows).
    /// </summary>
    private async Task InsertOneByOneAsync<T>(
        IReadOnlyList<T> rows, string head, IProperty[] properties, RelationalTypeMapping[] mappings, IClrPropertyGetter[] getters,
        IDbContextTransaction transaction, ISqlGenerationHelper sql, CancellationToken cancellationToken)
    {
        await using var command = NewCommand(transaction);
        command.CommandText = CommandText(head, 1, properties.Length, sql);
        for (var row = 0; row < rows.Count; row++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var column = 0; column < properties.Length; column++)
            {
                var value = getters[column].GetClrValue(rows[row]!);
                if (row == 0)
                {
                    command.Parameters.Add(mappings[column].CreateParameter(command, $"p{column}", value, properties[column].IsNullable));
                }
                else
                {
                    command.Parameters[column].Value = (value is null ? null : mappings[column].Converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;
                }
            }

            if (row == 0)
            {
                await command.PrepareAsync(cancellationToken);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private DbCommand NewCommand(IDbContextTransaction transaction)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandTimeout = db.Database.GetCommandTimeout() ?? command.CommandTimeout;
        return command;
    }

    private static string CommandText(string head, int rows, int columns, ISqlGenerationHelper sql)
    {
        var text = new StringBuilder(head);
        for (var row = 0; row < rows; row++)
        {
            text.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < columns; column++)
            {
                text.Append(column == 0 ? string.Empty : ", ").Append(sql.GenerateParameterNamePlaceholder($"p{(row * columns) + column}"));
            }

            text.Append(')');
        }

        return text.ToString();
    }
}
