import PacketCapture
import PacketCore
import Reporting
import ResetAttribution
import RstscopeKit

/// The end-of-run report, the same for files and live captures.
struct ReportPrinter {
    var format: OutputFormat
    var table: TableKind = .resets
    var utc = false

    /// With several inputs: the input's name, a heading in text output and a first column in
    /// tables (JSON lines carry it from the output buffer).
    var inputName: String?
    /// With several inputs: the first input's table has the header, the last one's the Zeek footer.
    var tableHeader = true
    var tableFooter = true

    func write(_ pipeline: inout Pipeline, summary extra: (inout CaptureSummary) -> Void = { _ in },
               crossView: [Int: CrossViewFinding] = [:],
               source: String, formatName: String?, filter: String?, to output: OutputBuffer) -> CaptureSummary {
        let connections = pipeline.finish(crossView: crossView)
        var summary = pipeline.finalSummary
        extra(&summary)
        switch format {
        case .jsonl:
            output.append(SummaryReport.jsonLine(summary, linkTypeName: \.libpcapName))
        case .csv:
            output.append(inputTable(pipeline).csv(header: tableHeader))
        case .zeek:
            output.append(inputTable(pipeline).zeek(openTime: ZeekTime.now(), closeTime: tableFooter ? ZeekTime.now() : nil, header: tableHeader))
        case .text:
            if let inputName { output.append("== \(inputName) ==\n\n") }
            let style = TerminalStyle(enabled: TerminalStyle.shouldColor(fd: 1))
            if let attribution = pipeline.attribution {
                output.append(style.verdict(ResetReport.verdict(attribution)))
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

    private func inputTable(_ pipeline: Pipeline) -> Table {
        let rows = pipeline.table(table)
        return inputName.map { rows.withLeadingColumn(.init("input", "string"), value: $0) } ?? rows
    }
}
