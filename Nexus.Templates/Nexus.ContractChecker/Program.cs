using Nexus.ContractChecker;

return await CheckerCommand.RunAsync(args, Console.Out, CancellationToken.None);
