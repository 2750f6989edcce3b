using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CleanAgent.Domain.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CleanAgent.Infrastructure.Persistence.Webhooks;

/// <summary>
/// Writes the rows of one <see cref="WebhookSql"/> statement as the JSON array it reads: entities through the EF model
/// (column names, value converters), values in the form each provider stores them (SQLite: EF's upper-case GUIDs and
/// <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> times, so that comparisons with rows EF wrote hold).
/// </summary>
internal sealed class WebhookRowWriter(WebhookSqlDialect dialect)
{
    public string Entities<T>(IEntityType type, IEnumerable<T> entities, Func<T, string>? customerKey = null)
        where T : class
    {
        var properties = type.GetProperties().Where(p => !p.IsShadowProperty())
            .Select(p => (Name: p.GetColumnName(), Getter: p.GetGetter(), Converter: p.GetTypeMapping().Converter))
            .ToList();
        return Write(entities, (json, entity) =>
        {
            foreach (var (name, getter, converter) in properties)
            {
                var value = getter.GetClrValueUsingContainingEntity(entity);
                WriteValue(json, name, converter is null || value is null ? value : converter.ConvertToProvider(value));
            }

            if (customerKey is not null)
            {
                json.WriteString(WebhookSql.CustomerKeyField, customerKey(entity));
            }
        });
    }

    public string Values<T>(IReadOnlyList<WebhookSql.Column> columns, IEnumerable<T> rows, Func<T, object?[]> values) =>
        Write(rows, (json, row) =>
        {
            var fields = values(row);
            for (var i = 0; i < columns.Count; i++)
            {
                WriteValue(json, columns[i].Name, fields[i]);
            }
        });

    private static string Write<T>(IEnumerable<T> rows, Action<Utf8JsonWriter, T> writeRow)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartObject();
                writeRow(json, row);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case string text:
                json.WriteString(name, text);
                break;
            case Guid id:
                json.WriteString(name, dialect == WebhookSqlDialect.Sqlite ? id.ToString().ToUpperInvariant() : id.ToString());
                break;
            case DateTime time:
                json.WriteString(name, Format(time));
                break;
            case DateTimeOffset time:
                json.WriteString(name, time.ToString("O", CultureInfo.InvariantCulture));
                break;
            case bool flag:
                json.WriteBoolean(name, flag);
                break;
            case int number:
                json.WriteNumber(name, number);
                break;
            case long number:
                json.WriteNumber(name, number);
                break;
            case double number:
                json.WriteNumber(name, number);
                break;
            case decimal number:
                json.WriteNumber(name, number);
                break;
            case MessageStatus status:
                json.WriteString(name, status.ToString());
                break;
            case Enum word:
                json.WriteString(name, word.ToString());
                break;
            default:
                json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private string Format(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Utc ? time : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return dialect switch
        {
            WebhookSqlDialect.Sqlite => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
            // Npgsql stores microseconds, cutting the last digit off; PostgreSQL would round it.
            WebhookSqlDialect.PostgreSql => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            _ => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        };
    }
}
