import PacketCapture
import PacketCore
import Reporting
import RstscopeKit

/// The end-of-run report, the same for files and live captures.
struct ReportPrinter {
    var format: OutputFormat
    var table: TableKind = .resets
    var utc = false

    func write(_ pipeline: inout Pipeline, summary extra: (inout CaptureSummary) -> Void = { _ in },
               source: String, formatName: String?, filter: String?, to output: OutputBuffer) -> CaptureSummary {
        let connections = pipeline.finish()
        var summary = pipeline.finalSummary
        extra(&summary)
        switch format {
        case .jsonl:
            output.append(SummaryReport.jsonLine(summary, linkTypeName: \.libpcapName))
        case .csv:
            output.append(pipeline.table(table).csv())
        case .zeek:
            output.append(pipeline.table(table).zeek(openTime: ZeekTime.now(), closeTime: ZeekTime.now()))
        case .text:
            let style = TerminalStyle(enabled: TerminalStyle.shouldColor(fd: 1))
            if let attribution = pipeline.attribution {
                output.append(style.verdict(ResetReport.verdict(attribution, connections: pipeline.connectionFacts)))
                output.append(ResetStrip.render(attribution, first: summary.firstTimestamp, last: summary.lastTimestamp, utc: utc))
                output.append("\n")
            }
            output.append(TextReport.connections(connections, total: summary.connections))
            output.append(TextReport.events(summary.eventCounts))
            output.append("\n")
            output.append(SummaryReport.text(summary, source: source, format: formatName, filter: filter,
                                             linkTypeName: { "\($0.libpcapName) (\($0.libpcapDescription))" },
                                             time: { utc ? Timestamp.rfc3339($0) : Timestamp.local($0) }))
        }
        output.flush()
        return summary
    }
}
