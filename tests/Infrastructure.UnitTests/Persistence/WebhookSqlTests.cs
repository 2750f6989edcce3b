using CleanAgent.Infrastructure.Meta.Webhooks;
using CleanAgent.Infrastructure.Persistence;
using CleanAgent.Infrastructure.Persistence.Webhooks;
using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CleanAgent.Infrastructure.UnitTests.Persistence;

/// <summary>
/// The set-based webhook store's SQL Server statements cannot run here (no server): their text is parsed by Microsoft's
/// T-SQL parser and checked for the clauses the guarantees rest on. SQLite and PostgreSQL run them in the functional tests.
/// </summary>
public sealed class WebhookSqlTests
{
    private static readonly WebhookSql SqlServer = WebhookSql.For(new SqlServerAppDbContext(
        new DbContextOptionsBuilder<SqlServerAppDbContext>().UseSqlServer("Server=nowhere;Database=none").Options));

    public static TheoryData<string> Statements => new()
    {
        nameof(WebhookSql.InsertConversations), nameof(WebhookSql.InsertMessages), nameof(WebhookSql.UpdateConversations),
        nameof(WebhookSql.ApplyStatuses), nameof(WebhookSql.KeepStatuses), nameof(WebhookSql.FindEarlyEdits),
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public void Sql_server_statement_parses_as_T_SQL(string statement)
    {
        var text = Text(statement);
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);

        using var reader = new StringReader(text);
        parser.Parse(reader, out var errors);

        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Line}:{e.Column} {e.Message}")) + "\n" + text);
        Assert.Contains("OPENJSON(@rows)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_server_inserts_skip_known_rows_under_a_range_lock()
    {
        // MERGE alone may insert the same key twice from two sessions; HOLDLOCK makes the check and the insert one.
        Assert.StartsWith("MERGE INTO [Messages] WITH (HOLDLOCK)", SqlServer.InsertMessages, StringComparison.Ordinal);
        Assert.Contains("ON t.[WhatsAppNumberId] = s.[WhatsAppNumberId] AND t.[WhatsAppMessageId] = s.[WhatsAppMessageId] WHEN NOT MATCHED THEN INSERT", SqlServer.InsertMessages, StringComparison.Ordinal);
        Assert.Contains("OUTPUT inserted.[Id], inserted.[ConversationId]", SqlServer.InsertMessages, StringComparison.Ordinal);
        Assert.StartsWith("MERGE INTO [Conversations] WITH (HOLDLOCK)", SqlServer.InsertConversations, StringComparison.Ordinal);
        Assert.DoesNotContain("WHEN MATCHED", SqlServer.InsertConversations, StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_server_status_update_uses_the_domains_ranks()
    {
        foreach (var status in Enum.GetValues<MessageStatus>())
        {
            Assert.Contains($"WHEN '{status}' THEN {status.Rank()} ", SqlServer.ApplyStatuses, StringComparison.Ordinal);
        }

        Assert.Contains("[Direction] = 'Outbound'", SqlServer.ApplyStatuses, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_column_of_a_message_is_written()
    {
        var columns = SqlServer.MessageType.GetProperties().Select(p => p.GetColumnName()).ToList();

        Assert.All(columns, c => Assert.Contains($"[{c}] ", SqlServer.InsertMessages, StringComparison.Ordinal));
    }

    [Fact]
    public void The_payload_reader_clips_to_the_columns_of_the_model()
    {
        var message = SqlServer.MessageType;
        int? Length(string property) => message.FindProperty(property)!.GetMaxLength();

        Assert.Equal(MetaWebhookPayloadReader.MaxTypeLength, Length(nameof(Message.Type)));
        Assert.Equal(MetaWebhookPayloadReader.MaxIdLength, Length(nameof(Message.MediaId)));
        Assert.Equal(MetaWebhookPayloadReader.MaxIdLength, Length(nameof(Message.MimeType)));
        Assert.Equal(MetaWebhookPayloadReader.MaxIdLength, Length(nameof(Message.Sha256)));
        Assert.Equal(MetaWebhookPayloadReader.MaxFileNameLength, Length(nameof(Message.FileName)));
        Assert.Equal(Message.MaxWhatsAppMessageIdLength, Length(nameof(Message.ContextMessageId)));
        Assert.Equal(Message.MaxWhatsAppMessageIdLength, Length(nameof(Message.WhatsAppMessageId)));
        Assert.Equal(MetaWebhookPayloadReader.MaxErrorCodeLength, Length(nameof(Message.ErrorCode)));
        Assert.Equal(MetaWebhookPayloadReader.MaxErrorTitleLength, Length(nameof(Message.ErrorTitle)));
        Assert.Equal(MetaWebhookPayloadReader.MaxNameLength, SqlServer.ConversationType.FindProperty(nameof(Conversation.CustomerName))!.GetMaxLength());
        Assert.Equal(Conversation.MaxCustomerKeyLength, SqlServer.ConversationType.FindProperty(nameof(Conversation.CustomerKey))!.GetMaxLength());
    }

    private static string Text(string statement) =>
        (string)typeof(WebhookSql).GetProperty(statement)!.GetValue(SqlServer)!;
}
