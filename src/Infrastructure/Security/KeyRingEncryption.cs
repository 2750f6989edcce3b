using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CleanAgent.Infrastructure.Security;

/// <summary>
/// Encrypts the Data Protection key ring (stored in the database) with AES-256-GCM under
/// <c>DataProtection:KeyEncryptionKey</c>, so that a copy of the database alone cannot decrypt the
/// numbers' secrets. The key lives outside the database (environment, secret store).
/// </summary>
internal sealed class AesGcmXmlEncryptor(byte[] key) : IXmlEncryptor
{
    public const string ConfigurationKey = "DataProtection:KeyEncryptionKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[12 + 16 + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16));
        }

        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with DataProtection:KeyEncryptionKey (AES-256-GCM). "),
            new XElement("value", Convert.ToBase64String(sealedBytes)));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }

    /// <summary>Reads the 32-byte key (base64) from configuration; null when none is set.</summary>
    public static byte[]? ReadKey(IConfiguration configuration)
    {
        var value = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{ConfigurationKey} must be 32 random bytes in base64 (openssl rand -base64 32).");
        }

        return key.Length == 32 ? key : throw new InvalidOperationException($"{ConfigurationKey} must be 32 bytes in base64, not {key.Length}.");
    }
}

/// <summary>Created by Data Protection through its (IServiceProvider) constructor when it reads the key ring.</summary>
internal sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = AesGcmXmlEncryptor.ReadKey(services.GetRequiredService<IConfiguration>())
            ?? throw new InvalidOperationException(
                $"The key ring is encrypted but {AesGcmXmlEncryptor.ConfigurationKey} is not set: give the key the data was written with.");
        var sealedBytes = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? string.Empty);
        var plaintext = new byte[sealedBytes.Length - 28];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plaintext);
        }

        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
