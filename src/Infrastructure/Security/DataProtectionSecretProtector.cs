using CleanAgent.Application.Common.Interfaces;
using Microsoft.AspNetCore.DataProtection;

namespace CleanAgent.Infrastructure.Security;

/// <summary>Encrypts secrets with ASP.NET Core Data Protection; the key ring lives in the database so every instance shares it.</summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("CleanAgent.Secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
