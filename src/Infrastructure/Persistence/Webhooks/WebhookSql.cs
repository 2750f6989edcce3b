using System.Collections.Concurrent;
using System.Globalization;
using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CleanAgent.Infrastructure.Persistence.Webhooks;

/// <summary>
/// The statements of the set-based webhook store, one text per provider, built once from the EF model so that a column
/// another change adds is written too. Each statement reads its rows from one JSON parameter (<c>@rows</c>):
/// PostgreSQL <c>json_to_recordset</c>, SQLite <c>json_each</c>, SQL Server <c>OPENJSON</c>. One text whatever the batch
/// size (plans are reused) and no limit on parameters (SQL Server allows 2,100).
/// </summary>
internal sealed class WebhookSql
{
    public const string RowsParameter = "@rows";

    /// <summary>The customer key a message row carries beside its columns, to find its conversation.</summary>
    public const string CustomerKeyField = "CustomerKey";

    private static readonly ConcurrentDictionary<Type, WebhookSql> Cache = new();

    private readonly IEntityType _messages;
    private readonly IEntityType _conversations;
    private readonly IEntityType _pendingStatuses;

    private WebhookSql(WebhookSqlDialect dialect, IModel model)
    {
        Dialect = dialect;
        _messages = model.FindEntityType(typeof(Message))!;
        _conversations = model.FindEntityType(typeof(Conversation))!;
        _pendingStatuses = model.FindEntityType(typeof(PendingStatusUpdate))!;
        Rows = new WebhookRowWriter(dialect);
        InsertConversations = BuildInsertConversations();
        InsertMessages = BuildInsertMessages();
        UpdateConversations = BuildUpdateConversations();
        ApplyStatuses = BuildApplyStatuses();
        KeepStatuses = BuildKeepStatuses();
        FindEarlyEdits = BuildFindEarlyEdits();
    }

    public WebhookSqlDialect Dialect { get; }

    public WebhookRowWriter Rows { get; }

    /// <summary>Rows: new <see cref="Conversation"/>s. Inserts those whose (number, customer key) is not taken; returns nothing.</summary>
    public string InsertConversations { get; }

    /// <summary>
    /// Rows: new <see cref="Message"/>s plus their <see cref="CustomerKeyField"/>. Inserts those whose (number, wamid) is
    /// not stored yet, into their conversation; returns (Id, ConversationId) of each inserted.
    /// </summary>
    public string InsertMessages { get; }

    /// <summary>Rows: <see cref="ConversationDelta"/>s. Adds what the stored messages changed to each conversation.</summary>
    public string UpdateConversations { get; }

    /// <summary>
    /// Rows: <see cref="StatusRow"/>s, at most one per message. Applies each status the domain's order allows
    /// (<see cref="Message.ApplyStatus"/>); returns (WhatsAppNumberId, WhatsAppMessageId) of each applied.
    /// </summary>
    public string ApplyStatuses { get; }

    /// <summary>
    /// Rows: <see cref="PendingStatusUpdate"/>s. Keeps the statuses whose message is not stored (yet), once per status;
    /// returns (WhatsAppNumberId, WhatsAppMessageId, Status) of each kept.
    /// </summary>
    public string KeepStatuses { get; }

    /// <summary>Rows: (WhatsAppNumberId, WhatsAppMessageId) of the messages just stored. Returns the ids of the edits and revokes that arrived before them.</summary>
    public string FindEarlyEdits { get; }

    public static WebhookSql For(AppDbContext db) => Cache.GetOrAdd(db.GetType(), _ => new WebhookSql(DialectOf(db), db.Model));

    public IEntityType MessageType => _messages;

    public IEntityType ConversationType => _conversations;

    public IEntityType PendingStatusType => _pendingStatuses;

    private static WebhookSqlDialect DialectOf(AppDbContext db) => db switch
    {
        SqliteAppDbContext => WebhookSqlDialect.Sqlite,
        PostgresAppDbContext => WebhookSqlDialect.PostgreSql,
        SqlServerAppDbContext => WebhookSqlDialect.SqlServer,
        _ => throw new NotSupportedException($"No webhook SQL for {db.GetType().Name}."),
    };

    private string BuildInsertConversations()
    {
        var columns = Columns(_conversations);
        var source = Source(columns);
        var names = string.Join(", ", columns.Select(c => Q(c.Name)));
        var values = string.Join(", ", columns.Select(c => "j." + Q(c.Name)));
        return Dialect switch
        {
            WebhookSqlDialect.SqlServer =>
                $"MERGE INTO {Q("Conversations")} WITH (HOLDLOCK) AS t USING (SELECT * FROM {source}) AS j " +
                $"ON t.{Q("WhatsAppNumberId")} = j.{Q("WhatsAppNumberId")} AND t.{Q("CustomerKey")} = j.{Q("CustomerKey")} " +
                $"WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({values});",
            WebhookSqlDialect.PostgreSql =>
                $"INSERT INTO {Q("Conversations")} ({names}) SELECT {values} FROM {source} " +
                $"ON CONFLICT ({Q("WhatsAppNumberId")}, {Q("CustomerKey")}) DO NOTHING",
            _ => $"INSERT INTO {Q("Conversations")} ({names}) SELECT {values} FROM {source} WHERE true ON CONFLICT DO NOTHING",
        };
    }

    private string BuildInsertMessages()
    {
        var columns = Columns(_messages);
        var source = Source([.. columns, new Column(CustomerKeyField, "string")]);
        var names = string.Join(", ", columns.Select(c => Q(c.Name)));
        var conversation = $"(SELECT c.{Q("Id")} FROM {Q("Conversations")} c WHERE c.{Q("WhatsAppNumberId")} = j.{Q("WhatsAppNumberId")} AND c.{Q("CustomerKey")} = j.{Q(CustomerKeyField)})";
        var values = string.Join(", ", columns.Select(c => c.Name == "ConversationId" ? conversation : "j." + Q(c.Name)));
        return Dialect switch
        {
            WebhookSqlDialect.SqlServer =>
                $"MERGE INTO {Q("Messages")} WITH (HOLDLOCK) AS t USING (SELECT {string.Join(", ", columns.Select(c => $"{SelectValue(c)} AS {Q(c.Name)}"))} FROM {source}) AS s " +
                $"ON t.{Q("WhatsAppNumberId")} = s.{Q("WhatsAppNumberId")} AND t.{Q("WhatsAppMessageId")} = s.{Q("WhatsAppMessageId")} " +
                $"WHEN NOT MATCHED THEN INSERT ({names}) VALUES ({string.Join(", ", columns.Select(c => "s." + Q(c.Name)))}) " +
                $"OUTPUT inserted.{Q("Id")}, inserted.{Q("ConversationId")};",
            WebhookSqlDialect.PostgreSql =>
                $"INSERT INTO {Q("Messages")} ({names}) SELECT {values} FROM {source} " +
                $"ON CONFLICT ({Q("WhatsAppNumberId")}, {Q("WhatsAppMessageId")}) DO NOTHING RETURNING {Q("Id")}, {Q("ConversationId")}",
            _ => $"INSERT INTO {Q("Messages")} ({names}) SELECT {values} FROM {source} WHERE true ON CONFLICT DO NOTHING RETURNING {Q("Id")}, {Q("ConversationId")}",
        };

        string SelectValue(Column column) => column.Name == "ConversationId" ? conversation : "j." + Q(column.Name);
    }

    private string BuildUpdateConversations()
    {
        var source = Source(ConversationDelta.Columns);
        string C(string name) => "c." + Q(name);
        string J(string name) => "j." + Q(name);
        var set = string.Join(", ",
            $"{Q("InboundCount")} = {C("InboundCount")} + {J("InboundCount")}",
            $"{Q("OutboundCount")} = {C("OutboundCount")} + {J("OutboundCount")}",
            $"{Q("LastMessageAt")} = CASE WHEN {J("LastMessageAt")} > {C("LastMessageAt")} THEN {J("LastMessageAt")} ELSE {C("LastMessageAt")} END",
            $"{Q("LastInboundAt")} = CASE WHEN {J("LastInboundAt")} IS NULL THEN {C("LastInboundAt")} WHEN {C("LastInboundAt")} IS NULL OR {J("LastInboundAt")} > {C("LastInboundAt")} THEN {J("LastInboundAt")} ELSE {C("LastInboundAt")} END",
            $"{Q("CustomerName")} = COALESCE({J("CustomerName")}, {C("CustomerName")})",
            $"{Q("CustomerUserId")} = COALESCE({C("CustomerUserId")}, {J("CustomerUserId")})",
            $"{Q("CustomerUsername")} = COALESCE({J("CustomerUsername")}, {C("CustomerUsername")})",
            $"{Q("CustomerParentUserId")} = COALESCE({J("CustomerParentUserId")}, {C("CustomerParentUserId")})",
            $"{Q("ReplyRequestedAt")} = CASE WHEN {IsTrue(J("RequestReply"))} AND NOT {IsTrue(C("ReplyPending"))} THEN {J("Now")} ELSE {C("ReplyRequestedAt")} END",
            $"{Q("ReplyPending")} = CASE WHEN {IsTrue(J("RequestReply"))} OR {IsTrue(C("ReplyPending"))} THEN {True} ELSE {False} END",
            $"{Q("Version")} = {C("Version")} + 1");
        return Dialect == WebhookSqlDialect.SqlServer
            ? $"UPDATE c SET {set} FROM {Q("Conversations")} AS c JOIN {source} ON c.{Q("Id")} = j.{Q("Id")};"
            : $"UPDATE {Q("Conversations")} AS c SET {set} FROM {source} WHERE c.{Q("Id")} = j.{Q("Id")}";
    }

    private string BuildApplyStatuses()
    {
        var source = Source(StatusRow.Columns);
        var current = "CASE m." + Q("Status") + " " +
                      string.Concat(Enum.GetValues<MessageStatus>().Select(s => $"WHEN '{s}' THEN {s.Rank().ToString(CultureInfo.InvariantCulture)} ")) + "ELSE 0 END";
        var failed = $"'{MessageStatus.Failed}'";
        var read = MessageStatus.Read.Rank().ToString(CultureInfo.InvariantCulture);
        // Message.ApplyStatus: a failure lands before read; any other status only moves forward, and after a failure only read or played.
        var allowed =
            $"(j.{Q("Status")} = {failed} AND {current} < {read} AND m.{Q("Status")} <> {failed}) OR " +
            $"(j.{Q("Status")} <> {failed} AND ((m.{Q("Status")} <> {failed} AND j.{Q("Rank")} > {current}) OR (m.{Q("Status")} = {failed} AND j.{Q("Rank")} >= {read})))";
        var set = string.Join(", ",
            $"{Q("Status")} = j.{Q("Status")}",
            $"{Q("StatusAt")} = j.{Q("At")}",
            $"{Q("ErrorCode")} = CASE WHEN j.{Q("Status")} = {failed} THEN j.{Q("ErrorCode")} ELSE m.{Q("ErrorCode")} END",
            $"{Q("ErrorTitle")} = CASE WHEN j.{Q("Status")} = {failed} THEN j.{Q("ErrorTitle")} ELSE m.{Q("ErrorTitle")} END");
        var match = $"m.{Q("WhatsAppNumberId")} = j.{Q("WhatsAppNumberId")} AND m.{Q("WhatsAppMessageId")} = j.{Q("WhatsAppMessageId")} AND m.{Q("Direction")} = '{MessageDirection.Outbound}'";
        return Dialect == WebhookSqlDialect.SqlServer
            ? $"UPDATE m SET {set} OUTPUT inserted.{Q("WhatsAppNumberId")}, inserted.{Q("WhatsAppMessageId")} FROM {Q("Messages")} AS m JOIN {source} ON {match} WHERE {allowed};"
            : $"UPDATE {Q("Messages")} AS m SET {set} FROM {source} WHERE {match} AND ({allowed}) RETURNING {Returned("m", "WhatsAppNumberId")}, {Returned("m", "WhatsAppMessageId")}";
    }

    private string BuildKeepStatuses()
    {
        var columns = Columns(_pendingStatuses);
        var source = Source(columns);
        var names = string.Join(", ", columns.Select(c => Q(c.Name)));
        var values = string.Join(", ", columns.Select(c => "j." + Q(c.Name)));
        var unknown =
            $"NOT EXISTS (SELECT 1 FROM {Q("Messages")} m WHERE m.{Q("WhatsAppNumberId")} = j.{Q("WhatsAppNumberId")} AND m.{Q("WhatsAppMessageId")} = j.{Q("WhatsAppMessageId")}) " +
            $"AND NOT EXISTS (SELECT 1 FROM {Q("PendingStatusUpdates")} p WHERE p.{Q("WhatsAppNumberId")} = j.{Q("WhatsAppNumberId")} AND p.{Q("WhatsAppMessageId")} = j.{Q("WhatsAppMessageId")} AND p.{Q("Status")} = j.{Q("Status")})";
        var returned = $"{Q("WhatsAppNumberId")}, {Q("WhatsAppMessageId")}, {Q("Status")}";
        return Dialect == WebhookSqlDialect.SqlServer
            ? $"INSERT INTO {Q("PendingStatusUpdates")} ({names}) OUTPUT {string.Join(", ", returned.Split(", ").Select(c => "inserted." + c))} SELECT {values} FROM {source} WHERE {unknown};"
            : $"INSERT INTO {Q("PendingStatusUpdates")} ({names}) SELECT {values} FROM {source} WHERE {unknown} RETURNING {returned}";
    }

    private string BuildFindEarlyEdits()
    {
        var source = Source([new Column("WhatsAppNumberId", "guid"), new Column("WhatsAppMessageId", "string")]);
        return $"SELECT e.{Q("Id")} FROM {Q("Messages")} e JOIN {source} ON e.{Q("WhatsAppNumberId")} = j.{Q("WhatsAppNumberId")} AND e.{Q("ContextMessageId")} = j.{Q("WhatsAppMessageId")} " +
               $"WHERE e.{Q("Type")} IN ('edit', 'revoke')" + (Dialect == WebhookSqlDialect.SqlServer ? ";" : "");
    }

    /// <summary>The columns EF writes for an entity: every mapped property but shadow ones.</summary>
    private static List<Column> Columns(IEntityType entity) =>
        entity.GetProperties().Where(p => !p.IsShadowProperty()).Select(p => new Column(p.GetColumnName(), KindOf(p))).ToList();

    private static string KindOf(IProperty property)
    {
        var type = property.GetTypeMapping().Converter?.ProviderClrType ?? property.GetTypeMapping().ClrType;
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(Guid) ? "guid"
            : type == typeof(DateTime) ? "datetime"
            : type == typeof(DateTimeOffset) ? "datetimeoffset"
            : type == typeof(bool) ? "bool"
            : type == typeof(int) || type == typeof(short) || type == typeof(byte) ? "int"
            : type == typeof(long) ? "long"
            : type == typeof(double) || type == typeof(float) ? "double"
            : type == typeof(decimal) ? "decimal"
            : type == typeof(string) ? "string"
            : throw new NotSupportedException($"The webhook store cannot write {property.DeclaringType.DisplayName()}.{property.Name} ({type.Name}).");
    }

    /// <summary>The rows of the JSON parameter as a table <c>j</c> with typed, named columns.</summary>
    private string Source(IReadOnlyList<Column> columns)
    {
        switch (Dialect)
        {
            case WebhookSqlDialect.PostgreSql:
                return $"json_to_recordset({RowsParameter}::json) AS j({string.Join(", ", columns.Select(c => $"{Q(c.Name)} {PostgresType(c.Kind)}"))})";
            case WebhookSqlDialect.SqlServer:
                return $"OPENJSON({RowsParameter}) WITH ({string.Join(", ", columns.Select(c => $"{Q(c.Name)} {SqlServerType(c.Kind)} '$.{c.Name}'"))}) AS j";
            default:
                return $"(SELECT {string.Join(", ", columns.Select(c => $"json_extract(value, '$.{c.Name}') AS {Q(c.Name)}"))} FROM json_each({RowsParameter})) AS j";
        }
    }

    private static string PostgresType(string kind) => kind switch
    {
        "guid" => "uuid",
        "datetime" or "datetimeoffset" => "timestamp with time zone",
        "bool" => "boolean",
        "int" => "integer",
        "long" => "bigint",
        "double" => "double precision",
        "decimal" => "numeric",
        _ => "text",
    };

    private static string SqlServerType(string kind) => kind switch
    {
        "guid" => "uniqueidentifier",
        "datetime" => "datetime2",
        "datetimeoffset" => "datetimeoffset",
        "bool" => "bit",
        "int" => "int",
        "long" => "bigint",
        "double" => "float",
        "decimal" => "decimal(38, 18)",
        _ => "nvarchar(max)",
    };

    /// <summary>SQLite's RETURNING names the updated table's columns bare; PostgreSQL needs them qualified beside the FROM's.</summary>
    private string Returned(string alias, string column) => Dialect == WebhookSqlDialect.PostgreSql ? $"{alias}.{Q(column)}" : Q(column);

    private string IsTrue(string expression) => Dialect == WebhookSqlDialect.PostgreSql ? expression : $"{expression} = 1";

    private string True => Dialect == WebhookSqlDialect.PostgreSql ? "TRUE" : "1";

    private string False => Dialect == WebhookSqlDialect.PostgreSql ? "FALSE" : "0";

    private string Q(string identifier) => Dialect == WebhookSqlDialect.SqlServer ? $"[{identifier}]" : $"\"{identifier}\"";

    internal sealed record Column(string Name, string Kind);
}

internal enum WebhookSqlDialect
{
    Sqlite,
    PostgreSql,
    SqlServer,
}
