import ArgumentParser
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "live", abstract: "Capture live on an interface.")
}
