using System.Net;
using CleanAgent.WebApi.FunctionalTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CleanAgent.WebApi.FunctionalTests.Security;

public sealed class SqliteAppWithKeyEncryption : TestApp
{
    public SqliteAppWithKeyEncryption()
        : base(TestDatabase.Sqlite) =>
        Settings["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}

public sealed class KeyRingEncryptionTests(SqliteAppWithKeyEncryption app) : DatabaseTest<SqliteAppWithKeyEncryption>(app), IClassFixture<SqliteAppWithKeyEncryption>
{
    [SkippableFact]
    public async Task With_a_key_encryption_key_the_stored_key_ring_is_encrypted_and_secrets_still_work()
    {
        RequireDatabase();
        using var admin = App.CreateAdminClient();
        await admin.AddNumberAsync("106540352242922");
        using var client = App.CreateClient();

        var response = await client.PostWebhookAsync(Meta.TextWebhook("106540352242922", "16315551181", "wamid.kek", "hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ring = await App.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync());
        Assert.NotEmpty(ring);
        Assert.All(ring, xml =>
        {
            Assert.Contains("encryptedKey", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });
    }

    [SkippableFact]
    public void The_SQLite_file_is_readable_by_its_owner_only()
    {
        RequireDatabase();
        if (OperatingSystem.IsWindows())
        {
            return; // no POSIX modes there
        }

        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(App.ConnectionString).DataSource;

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}
