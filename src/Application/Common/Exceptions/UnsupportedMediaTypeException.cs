namespace CleanAgent.Application.Common.Exceptions;

public sealed class UnsupportedMediaTypeException(string message) : Exception(message);
