using CleanAgent.Domain.Agents;

namespace CleanAgent.Domain.UnitTests.Agents;

/// <summary>A customer who writes one of the agent's handoff phrases asks for a person, however they type it.</summary>
public sealed class HandoffPhraseTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    private static Agent AgentWith(params string[] phrases) =>
        Agent.Create(new AgentSettings("Bella", "You help.", HandoffPhrases: phrases, HandoffMessage: "A colleague will answer you here shortly."), Now);

    [Theory]
    [InlineData("Can I talk to a HUMAN please?")]
    [InlineData("quiero hablar con una persona, atencion por favor")]
    [InlineData("Atención!")]
    [InlineData("Ich möchte einen MITARBEITER sprechen")]
    [InlineData("Bitte einen Mitarbeiter, Strasse ist egal")]
    public void A_phrase_matches_whatever_the_case_and_accents(string text)
    {
        var agent = AgentWith("human", "atención", "mitarbeiter");

        Assert.True(agent.AsksForPerson(text));
    }

    [Theory]
    [InlineData("When do you open?")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_texts_do_not_ask_for_a_person(string? text)
    {
        Assert.False(AgentWith("human", "atención").AsksForPerson(text));
    }

    [Fact]
    public void An_agent_without_phrases_never_hands_over_by_phrase()
    {
        var agent = Agent.Create(new AgentSettings("Bella", "You help."), Now);

        Assert.False(agent.AsksForPerson("human"));
        Assert.Empty(agent.HandoffPhrases);
        Assert.Null(agent.HandoffMessage);
    }

    [Fact]
    public void Blank_and_repeated_phrases_are_dropped()
    {
        var agent = AgentWith(" human ", "", "HUMAN", "Straße");

        Assert.Equal(["human", "Straße"], agent.HandoffPhrases);
        Assert.True(agent.AsksForPerson("strasse 5"));
    }
}
