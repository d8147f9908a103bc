namespace Nexus.ContractChecker;

/// <summary>How a check ended: a MUST broken is a failure, a SHOULD missed is a warning.</summary>
internal enum Outcome
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One check and what it found.</summary>
internal sealed record CheckResult(string Name, Outcome Outcome, string Detail)
{
    public static CheckResult Pass(string name, string detail) => new(name, Outcome.Pass, detail);

    public static CheckResult Warn(string name, string detail) => new(name, Outcome.Warn, detail);

    public static CheckResult Fail(string name, string detail) => new(name, Outcome.Fail, detail);
}
