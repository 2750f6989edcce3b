using Microsoft.Extensions.AI;

namespace CleanAgent.Infrastructure.Ai;

/// <summary>
/// One <see cref="IChatClient"/> per model: the OpenAI adapter binds the model when the client is
/// made and does not reliably honour <see cref="ChatOptions.ModelId"/>, while each agent may name its own.
/// </summary>
internal interface IChatClientFactory
{
    IChatClient ForModel(string model);
}
