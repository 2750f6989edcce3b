namespace CleanAgent.Domain.Common;

/// <summary>A rule of the domain was broken by the caller's input.</summary>
public sealed class DomainException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
