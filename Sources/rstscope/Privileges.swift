#if canImport(Glibc)
import Glibc
#endif

/// `-Z USER`: give up root once the capture handle is open (tcpdump's habit).
enum Privileges {
    /// Switches to the user's groups and ids; returns what went wrong, or nil.
    static func drop(to user: String) -> String? {
        guard let entry = getpwnam(user) else { return "no such user" }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        if initgroups(user, gid) != 0 { return "initgroups: \(String(cString: strerror(errno)))" }
        if setgid(gid) != 0 { return "setgid: \(String(cString: strerror(errno)))" }
        if setuid(uid) != 0 { return "setuid: \(String(cString: strerror(errno)))" }
        if uid != 0 && setuid(0) == 0 { return "root could be taken back" }
        return nil
    }
}
