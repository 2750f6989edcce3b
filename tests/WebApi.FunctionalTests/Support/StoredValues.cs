using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CleanAgent.WebApi.FunctionalTests.Support;

/// <summary>Reads what the database really holds, past the app and EF Core.</summary>
public static class StoredValues
{
    /// <summary>Every value of every column of every table, as text.</summary>
    public static async Task<List<(string Table, string Column, string Value)>> AllAsync(TestApp app)
    {
        await using var connection = await app.OpenConnectionAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = app.Database == TestDatabase.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("WhatsAppNumbers", tables);
        var values = new List<(string, string, string)>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i))
                    {
                        var value = reader.GetValue(i);
                        values.Add((table, reader.GetName(i), value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                    }
                }
            }
        }

        return values;
    }

    /// <summary>One column of one number's row, read with plain SQL.</summary>
    public static async Task<string?> NumberColumnAsync(TestApp app, Guid id, string column)
    {
        await using var connection = await app.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"{column}\", \"Id\" FROM \"WhatsAppNumbers\"";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var rowId = reader.GetValue(1) is Guid g ? g : Guid.Parse(reader.GetString(1));
            if (rowId == id)
            {
                return reader.IsDBNull(0) ? null : reader.GetString(0);
            }
        }

        throw new InvalidOperationException($"No number {id} in the table.");
    }

    /// <summary>The raw bytes of the SQLite database file and its write-ahead log.</summary>
    public static byte[] SqliteFileBytes(TestApp app)
    {
        var path = new SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
        using var all = new MemoryStream();
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.CopyTo(all);
        }

        Assert.True(all.Length > 0, "The SQLite database file was not found.");
        return all.ToArray();
    }

    public static async Task<long> CountAsync(TestApp app, string table)
    {
        await using DbConnection connection = await app.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
