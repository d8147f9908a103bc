public static class Kata
{
    public static int CountWords(string text) => text.Split(' ').Length;
}
