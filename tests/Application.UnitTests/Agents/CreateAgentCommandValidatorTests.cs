using CleanAgent.Application.Agents.CreateAgent;

namespace CleanAgent.Application.UnitTests.Agents;

public sealed class CreateAgentCommandValidatorTests
{
    private readonly CreateAgentCommandValidator _validator = new();

    [Fact]
    public void An_agent_with_a_name_and_a_prompt_is_valid()
    {
        var result = _validator.Validate(new CreateAgentCommand("Support", "You help customers.", LlmModel: "gpt-4o-mini"));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Name_and_prompt_are_required()
    {
        var result = _validator.Validate(new CreateAgentCommand("", " "));

        Assert.Equal(["name", "prompt"], result.Errors.Select(e => e.PropertyName).Order().ToArray());
    }

    [Fact]
    public void Overlong_fields_are_named_in_camel_case()
    {
        var result = _validator.Validate(new CreateAgentCommand(
            new string('n', 201), "prompt", LlmModel: new string('m', 201), TtsVoice: new string('v', 201), FallbackReply: new string('f', 4097)));

        Assert.Equal(["fallbackReply", "llmModel", "name", "ttsVoice"], result.Errors.Select(e => e.PropertyName).Order().ToArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    [InlineData("AUTO")]
    [InlineData("de")]
    [InlineData(" pt ")]
    public void Knowledge_language_is_auto_or_a_language_we_analyse(string? language) =>
        Assert.True(_validator.Validate(new CreateAgentCommand("Support", "You help.", KnowledgeLanguage: language)).IsValid);

    [Theory]
    [InlineData("german")]
    [InlineData("xx")]
    public void Other_knowledge_languages_are_refused_by_name(string language)
    {
        var result = _validator.Validate(new CreateAgentCommand("Support", "You help.", KnowledgeLanguage: language));

        Assert.Equal("knowledgeLanguage", Assert.Single(result.Errors).PropertyName);
    }
}
