#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PacketCore

/// Which reader serves a capture file.
public enum ReaderKind: String, CaseIterable, Sendable {
    /// Our own pcap / pcapng readers (memory-mapped, or streamed for stdin and gzip).
    case native
    /// libpcap's `pcap_open_offline`: a cross-check of our pcap reader.
    case libpcap
}

/// Opens a capture file (or `-` for standard input), recognizes its format (pcap, pcapng, either one
/// gzip-compressed) and hands out a reader for it.
public enum CaptureFile {
    public static func open(_ path: String, reader kind: ReaderKind = .native) throws(CaptureError) -> any PacketReader {
        if kind == .libpcap {
            return try LibpcapFileReader(path: path)
        }
        if path == "-" {
            return try streamed(FileDescriptorStream(fd: STDIN_FILENO, owning: false), name: "standard input")
        }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw openError(path, errno) }
        let stream = FileDescriptorStream(fd: fd, owning: true)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw openError(path, errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw .cannotRead(path: path, reason: "is a directory")
        }
        if (info.st_mode & S_IFMT) == S_IFREG, let mapped = MappedFile(fd: fd, count: Int(info.st_size)),
           !isGzip(mapped.bytes.prefix(2)) {
            return try framed(MappedSource(mapped), magic: mapped.bytes.prefix(4), name: path)
        }
        // gzip files, pipes and FIFOs are streamed.
        return try streamed(stream, name: path)
    }

    /// Reads an already open descriptor as a stream (a pipe, a socket, standard input); the caller
    /// keeps it open while reading.
    public static func open(fileDescriptor fd: Int32, name: String) throws(CaptureError) -> any PacketReader {
        try streamed(FileDescriptorStream(fd: fd, owning: false), name: name)
    }

    /// Sniffs the first bytes of a stream; a gzip stream is inflated and sniffed again.
    private static func streamed(_ stream: FileDescriptorStream, name: String) throws(CaptureError) -> any PacketReader {
        let head = try stream.readUpTo(4)
        let rewound = FileDescriptorStream(fd: stream.fd, owning: false, alreadyRead: head)
        let isCompressed = head.withByteView { isGzip($0) }
        // (Inflated on a thread of its own: see `ReadAheadStream`.)
        let source = isCompressed ? StreamSource(borrowing: ReadAheadStream(GzipStream(rewound), owner: stream)) : StreamSource(rewound)
        source.keepAlive = stream
        let magic = try source.peek(4) ?? .empty
        return try framed(source, magic: magic, name: name)
    }

    private static func framed<S: ByteSource>(_ source: S, magic: ByteView, name: String) throws(CaptureError) -> any PacketReader {
        if PcapReader<S>.sniff(magic) != nil {
            return try PcapReader(source: source)
        }
        if PcapngReader<S>.sniff(magic) {
            return try PcapngReader(source: source)
        }
        if magic.count < 4 {
            throw .notACaptureFile(path: name, reason: magic.isEmpty ? "empty" : "shorter than a file header")
        }
        throw .notACaptureFile(path: name, reason: "unknown magic number 0x\(hex(magic.toArray()))")
    }

    static func isGzip(_ magic: ByteView) -> Bool {
        magic.has(2) && magic.u8(0) == 0x1F && magic.u8(1) == 0x8B
    }

    static func openError(_ path: String, _ code: Int32) -> CaptureError {
        code == ENOENT ? .fileNotFound(path: path) : .cannotRead(path: path, reason: String(cString: strerror(code)))
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
