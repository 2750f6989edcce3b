namespace CleanAgent.Application.Common.Interfaces;

/// <summary>Where this service can be reached from outside, e.g. by Meta.</summary>
public interface IPublicUrls
{
    /// <summary>The callback URL to type into Meta's webhook form.</summary>
    string WebhookUrl { get; }
}
