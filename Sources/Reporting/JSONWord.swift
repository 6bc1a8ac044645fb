import ResetAttribution
import TCPAnalysis

/// A vocabulary word (an enum's raw value) as a `StaticString`: written into a JSON line with one
/// copy, where a `String` costs a retain, a UTF-8 view and an escape scan per field. Each spelling
/// must equal the raw value (OutputFormattingTests checks every case).
public protocol JSONWord {
    var word: StaticString { get }
}

extension RoleBasis: JSONWord {
    public var word: StaticString {
        switch self {
        case .syn: "syn"
        case .synack: "synack"
        case .port: "port"
        case .firstData: "first_data"
        }
    }
}

extension Role: JSONWord {
    public var word: StaticString {
        switch self {
        case .client: "client"
        case .server: "server"
        }
    }
}

extension Leg: JSONWord {
    public var word: StaticString {
        switch self {
        case .front: "front"
        case .back: "back"
        case .direct: "direct"
        }
    }
}

extension Attribution: JSONWord {
    public var word: StaticString {
        switch self {
        case .client: "client"
        case .proxy: "proxy"
        case .backend: "backend"
        case .network: "network"
        case .unknown: "unknown"
        }
    }
}

extension ResetPhase: JSONWord {
    public var word: StaticString {
        switch self {
        case .refused: "refused"
        case .handshake: "handshake"
        case .idle: "idle"
        case .request: "request"
        case .awaitingResponse: "awaiting_response"
        case .response: "response"
        case .afterFIN: "after_fin"
        case .portReuse: "port_reuse"
        case .keepaliveRace: "keepalive_race"
        }
    }
}

extension ResetCause: JSONWord {
    public var word: StaticString {
        switch self {
        case .networkLoss: "network_loss"
        case .overload: "overload"
        case .timeout: "timeout"
        case .appAbort: "app_abort"
        case .policy: "policy"
        case .injected: "injected"
        case .unknown: "unknown"
        }
    }
}
