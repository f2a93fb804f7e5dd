import ArgumentParser
import OnPremWatchCommands

OnPremWatchCommand.main()
