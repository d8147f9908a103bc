namespace Nexus.Cli.Backups;

/// <summary>A backup or restore that cannot go on, with a message for the operator.</summary>
internal sealed class BackupException(string message, Exception? innerException = null) : Exception(message, innerException);
