using System.Text;

public static class Kata
{
    private static readonly (int Value, string Symbol)[] Symbols = [(1000, "M"), (500, "D"), (100, "C"), (50, "L"), (10, "X"), (5, "V"), (1, "I")];

    public static string ToRoman(int number)
    {
        var roman = new StringBuilder();
        foreach (var (value, symbol) in Symbols)
        {
            while (number >= value)
            {
                roman.Append(symbol);
                number -= value;
            }
        }

        return roman.ToString();
    }
}
