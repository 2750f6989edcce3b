namespace CleanAgent.Domain.Numbers;

public enum NumberStatus
{
    Active,
    Inactive,
}
