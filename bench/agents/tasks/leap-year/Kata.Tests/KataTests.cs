public sealed class KataTests
{
    [Theory]
    [InlineData(2024, true)]
    [InlineData(2023, false)]
    [InlineData(2000, true)]
    [InlineData(1900, false)]
    [InlineData(2100, false)]
    public void IsLeapYear_FollowsTheGregorianRules(int year, bool expected) => Assert.Equal(expected, Kata.IsLeapYear(year));
}
