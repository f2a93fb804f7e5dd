import OnPremWatchCommands

OnPremWatchCommand.start()
