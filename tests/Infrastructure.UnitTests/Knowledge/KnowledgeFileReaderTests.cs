using System.Text;
using CleanAgent.Application.Common.Exceptions;
using CleanAgent.Infrastructure.Knowledge;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace CleanAgent.Infrastructure.UnitTests.Knowledge;

public sealed class KnowledgeFileReaderTests
{
    private readonly KnowledgeFileReader _reader = new(Options.Create(new KnowledgeOptions()));

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Csv_row_becomes_one_chunk_of_column_value_lines()
    {
        var csv = "question,answer\r\n\"When are you open?\",\"Every day, 12:00 to 23:00.\"\r\nDo you deliver?,\"Yes, within \"\"5 km\"\".\"\r\n";

        var content = _reader.Read(Utf8(csv), "faq.csv", "text/csv");

        Assert.Equal("text/csv", content.ContentType);
        Assert.Equal(
            ["question: When are you open?\nanswer: Every day, 12:00 to 23:00.", "question: Do you deliver?\nanswer: Yes, within \"5 km\"."],
            content.Chunks.Select(c => c.Text));
        Assert.All(content.Chunks, c => Assert.True(c.Tokens > 5));
    }

    [Fact]
    public void Semicolon_csv_with_multi_line_field_and_bom_is_read()
    {
        var csv = "\uFEFFpregunta;respuesta\n¿Abren hoy?;\"Sí,\nde 9 a 18.\"\n";

        var content = _reader.Read(Utf8(csv), "faq.csv", null);

        Assert.Equal("pregunta: ¿Abren hoy?\nrespuesta: Sí, de 9 a 18.", Assert.Single(content.Chunks).Text);
    }

    [Fact]
    public void Quote_inside_an_unquoted_field_is_kept_as_text()
    {
        var content = _reader.Read(Utf8("product,answer\nTV 55\" screen,In stock\n"), "faq.csv", "text/csv");

        Assert.Equal("product: TV 55\" screen\nanswer: In stock", Assert.Single(content.Chunks).Text);
    }

    [Theory]
    [InlineData("q,a\n\"open,yes\n", "unbalanced")]
    [InlineData("q,a\n\"x\"y,z\n", "after a closing quote")]
    [InlineData("q,a\nx,y,z\n", "3 fields")]
    [InlineData("q,a\nonly-one\n", "1 fields")]
    [InlineData("q,a\n", "no rows")]
    public void Broken_csv_is_refused_saying_why(string csv, string reason)
    {
        var error = Assert.Throws<ValidationException>(() => _reader.Read(Utf8(csv), "faq.csv", "text/csv"));

        var failure = Assert.Single(error.Errors);
        Assert.Equal("file", failure.PropertyName);
        Assert.Contains(reason, failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_and_invalid_utf8_are_refused()
    {
        Assert.Throws<ValidationException>(() => _reader.Read(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x00, 0x01 }, "notes.txt", "text/plain"));
        Assert.Throws<ValidationException>(() => _reader.Read(new byte[] { 0x48, 0x69, 0xC3, 0x28 }, "notes.txt", "text/plain"));
        Assert.Throws<ValidationException>(() => _reader.Read(Utf8(" \n\n  \n"), "notes.md", "text/markdown"));
    }

    [Theory]
    [InlineData("manual.pdf", "application/pdf")]
    [InlineData("photo.png", "image/png")]
    [InlineData("data", "application/octet-stream")]
    public void Other_file_types_are_unsupported(string name, string type) =>
        Assert.Throws<UnsupportedMediaTypeException>(() => _reader.Read(Utf8("hello"), name, type));

    [Fact]
    public void Small_paragraphs_are_merged_and_a_huge_one_is_cut_between_sentences()
    {
        var sentence = "Our shop sells handmade ceramic cups and plates in many colours. ";
        var huge = string.Concat(Enumerable.Repeat(sentence, 60)).Trim();
        var text = "# Shop\n\nWe are in Lisbon.\n\nOpen daily.\r\n\r\n" + huge + "\n\nThe end.";

        var chunks = _reader.Read(Utf8(text), "about.md", "text/markdown").Chunks;

        Assert.StartsWith("# Shop\n\nWe are in Lisbon.\n\nOpen daily.", chunks[0].Text, StringComparison.Ordinal);
        Assert.True(chunks.Count >= 3);
        Assert.All(chunks, c => Assert.InRange(c.Tokens, 1, 300));
        Assert.All(chunks.Where(c => c.Text.Contains("ceramic", StringComparison.Ordinal)), c => Assert.EndsWith(".", c.Text, StringComparison.Ordinal));
        Assert.EndsWith("The end.", chunks[^1].Text, StringComparison.Ordinal);
    }
}
