#if canImport(Glibc)
import Glibc
#endif
import PacketCore
import Testing

/// The queue between the reading thread and a shard's thread (`--threads`).
struct RecordRingTests {
    /// Records of one buffer, `size` bytes apart, through a ring of `capacity` slots to a consumer
    /// thread: what arrives, in order.
    func roundTrip(records: Int, size: Int, capacity: Int) -> (frames: [Int], firstBytes: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: records * size, alignment: 8)
        defer { buffer.deallocate() }
        for i in 0..<records { buffer[i * size] = UInt8(truncatingIfNeeded: i) }
        let ring = RecordRing(capacity: capacity)
        final class Received: @unchecked Sendable { var frames: [Int] = []; var firstBytes: [UInt8] = [] }
        let received = Received()
        let consumer = Thread {
            while let (record, _) = ring.pop() {
                received.frames.append(record.frame)
                received.firstBytes.append(record.bytes.u8(0))
            }
        }
        consumer.start()
        for i in 0..<records {
            let view = ByteView(unsafeStart: UnsafeRawPointer(buffer.baseAddress! + i * size), count: size)
            ring.push(CaptureRecord(frame: i + 1, timestamp: Int64(i), wireLength: size, linkType: .ethernet, bytes: view))
        }
        ring.close()
        consumer.join()
        return (received.frames, received.firstBytes)
    }

    @Test func everyRecordArrivesInOrder() {
        let (frames, bytes) = roundTrip(records: 100_000, size: 64, capacity: 128)
        #expect(frames == Array(1...100_000))
        #expect(bytes == (0..<100_000).map { UInt8(truncatingIfNeeded: $0) })
    }

    /// Records of 1 MiB: the producer waits on the lag limit (2 MiB) long before the 64 slots are
    /// full, and the consumer still gets them all.
    @Test func largeRecordsWaitForTheConsumer() {
        let (frames, _) = roundTrip(records: 40, size: 1 << 20, capacity: 64)
        #expect(frames == Array(1...40))
    }

    @Test func anEmptyRingEndsAtOnce() {
        let ring = RecordRing()
        ring.close()
        #expect(ring.pop() == nil)
    }
}

/// A joinable thread for the test.
private final class Thread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { raw in
            Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
    }
    func join() { pthread_join(thread, nil) }
}
