using Bunit;
using CleanAgent.WebApi.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace CleanAgent.WebApi.FunctionalTests.Components;

public sealed class SimulatorPaneTests : IDisposable
{
    private readonly BunitContext _context = new();

    [Fact]
    public void What_the_customer_types_is_sent_and_the_box_empties()
    {
        var sent = new List<string>();
        var cut = _context.Render<SimulatorPane>(p => p
            .Add(s => s.Title, "Sandbox · +16505550100")
            .Add(s => s.OnSend, EventCallback.Factory.Create<string>(this, sent.Add))
            .AddChildContent("<p class=\"probe\">thread</p>"));

        cut.Find("#simulator-text").Input("  what are your opening hours?  ");
        cut.Find("form").Submit();

        Assert.Equal(["what are your opening hours?"], sent);
        Assert.Equal(string.Empty, cut.Find("#simulator-text").GetAttribute("value"));
        Assert.Equal("thread", cut.Find(".probe").TextContent);
        Assert.Equal("Message", cut.Find("label[for=simulator-text]").TextContent);
    }

    [Fact]
    public void An_empty_box_sends_nothing_but_its_button_stays_enabled()
    {
        // Enter on a form whose default button is disabled submits nothing; the server hears of the typed text one round
        // trip after the browser, so a button disabled until then lost a quick paste-and-Enter (the browser tests' flake).
        var sent = new List<string>();
        var cut = _context.Render<SimulatorPane>(p => p.Add(s => s.OnSend, EventCallback.Factory.Create<string>(this, sent.Add)));

        Assert.False(cut.Find("button[type=submit]").HasAttribute("disabled"));
        cut.Find("form").Submit();
        cut.Find("#simulator-text").Input("   ");
        cut.Find("form").Submit();

        Assert.Empty(sent);
        Assert.False(cut.Find("button[type=submit]").HasAttribute("disabled"));
    }

    [Fact]
    public void While_busy_nothing_is_sent_and_an_error_is_announced()
    {
        var sent = new List<string>();
        var cut = _context.Render<SimulatorPane>(p => p
            .Add(s => s.Busy, true)
            .Add(s => s.Error, "Message must not be empty.")
            .Add(s => s.OnSend, EventCallback.Factory.Create<string>(this, sent.Add)));

        cut.Find("form").Submit();

        Assert.Empty(sent);
        Assert.True(cut.Find("#simulator-text").HasAttribute("disabled"));
        Assert.True(cut.Find("button[type=submit]").HasAttribute("disabled"));
        Assert.Equal("Message must not be empty.", cut.Find("[role=alert]").TextContent);
    }

    public void Dispose() => _context.Dispose();
}
