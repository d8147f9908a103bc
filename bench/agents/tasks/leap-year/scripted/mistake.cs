public static class Kata
{
    public static bool IsLeapYear(int year) => year % 4 == 0;
}
