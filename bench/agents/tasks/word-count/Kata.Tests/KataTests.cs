public sealed class KataTests
{
    [Theory]
    [InlineData("one two three", 3)]
    [InlineData("", 0)]
    [InlineData("  padded  ", 1)]
    [InlineData("two  spaces", 2)]
    [InlineData("tab\tand\nnew line", 4)]
    public void CountWords_SplitsOnAnyRunOfWhitespace(string text, int expected) => Assert.Equal(expected, Kata.CountWords(text));
}
