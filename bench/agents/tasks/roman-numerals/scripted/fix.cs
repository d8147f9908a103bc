using System.Text;

public static class Kata
{
    private static readonly (int Value, string Symbol)[] Symbols = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];

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
