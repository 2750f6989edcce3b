namespace CleanAgent.Application.Common.Interfaces;

/// <summary>
/// A command run by a background job, where seconds are normal (a model writing an answer): it is not reported as a
/// slow request.
/// </summary>
public interface IBackgroundCommand;
