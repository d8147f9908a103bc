using System.Diagnostics;

namespace Nexus.Services.Engines;

/// <summary>
/// One run of an engine: started from an argument list (never a shell string), killed with its children when the
/// request is cancelled or the timeout passes, so an abandoned request leaves no process behind.
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CancellationTokenSource _lifetime;
    private readonly CancellationTokenRegistration _killOnCancel;
    private readonly Task<string> _errors;

    private EngineProcess(Process process, CancellationTokenSource lifetime)
    {
        _process = process;
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
        return new EngineProcess(process, lifetime);
    }

    /// <summary>Waits for the engine to exit; a non-zero exit becomes an <see cref="EngineUnavailableException"/> with its error output.</summary>
    public async Task WaitForSuccessAsync()
    {
        try
        {
            await _process.WaitForExitAsync(_lifetime.Token);
        }
        catch (OperationCanceledException)
        {
            throw new EngineUnavailableException($"{_process.StartInfo.FileName} did not finish in time and was stopped.");
        }

        if (_process.ExitCode != 0)
        {
            var errors = (await _errors).Trim();
            throw new EngineUnavailableException($"{Path.GetFileName(_process.StartInfo.FileName)} failed (exit {_process.ExitCode}): {(errors.Length > 300 ? errors[..300] : errors)}");
        }
    }

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
