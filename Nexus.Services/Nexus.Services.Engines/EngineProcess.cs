using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Nexus.Services.Engines;

/// <summary>
/// One run of an engine: started from an argument list (never a shell string), killed with its children when the
/// request is cancelled or the timeout passes, so an abandoned request leaves no process behind.
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenSource _lifetime;
    private readonly CancellationTokenRegistration _killOnCancel;
    private readonly Task<string> _errors;

    private EngineProcess(Process process, CancellationToken cancellation, CancellationTokenSource lifetime)
    {
        _process = process;
        _cancellation = cancellation;
        _lifetime = lifetime;
        _killOnCancel = lifetime.Token.Register(Kill);
        _errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
    }

    public Stream Input => _process.StandardInput.BaseStream;

    public Stream Output => _process.StandardOutput.BaseStream;

    public static EngineProcess Start(string executable, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new EngineUnavailableException($"{Path.GetFileName(executable)} could not be started: {ex.Message}");
        }

        var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lifetime.CancelAfter(timeout);
        return new EngineProcess(process, cancellationToken, lifetime);
    }

    /// <summary>
    /// Waits for the engine to exit. A non-zero exit whose error output matches <paramref name="unreadableInput"/> (the
    /// engine's own words for "I cannot read this", checked against the real program) is the caller's input: an
    /// <see cref="UnreadableInputException"/> with those lines as the reason. Any other failure, or a run past the
    /// timeout, is the engine's: an <see cref="EngineUnavailableException"/>. A cancelled request stays cancelled.
    /// </summary>
    public async Task WaitForSuccessAsync(Regex? unreadableInput = null)
    {
        try
        {
            await _process.WaitForExitAsync(_lifetime.Token);
        }
        catch (OperationCanceledException) when (!_cancellation.IsCancellationRequested)
        {
            throw new EngineUnavailableException($"{Name} did not finish in time and was stopped.");
        }

        if (_process.ExitCode == 0) return;
        var errors = Redact((await _errors).Trim());
        var reasons = unreadableInput is null
            ? []
            : errors.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(line => unreadableInput.IsMatch(line)).ToList();
        if (reasons.Count > 0) throw new UnreadableInputException($"{Name} cannot read the input: {Shorten(string.Join("; ", reasons))}");
        throw new EngineUnavailableException($"{Name} failed (exit {_process.ExitCode}): {Shorten(errors)}");
    }

    private string Name => Path.GetFileName(_process.StartInfo.FileName);

    /// <summary>Error output names files by the paths it was given; a client is told only their file names.</summary>
    private string Redact(string errors)
    {
        foreach (var argument in _process.StartInfo.ArgumentList)
        {
            if (Path.IsPathFullyQualified(argument)) errors = errors.Replace(argument, Path.GetFileName(argument), StringComparison.Ordinal);
        }

        return errors;
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] : text;

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _killOnCancel.DisposeAsync();
        _lifetime.Dispose();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
