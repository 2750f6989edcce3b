namespace CleanAgent.Application.Common.Interfaces;

/// <summary>Encrypts secrets (app secrets, access tokens) for storage and decrypts them for use.</summary>
public interface ISecretProtector
{
    string Protect(string secret);

    string Unprotect(string protectedSecret);
}
