@testable import ResetAttribution
import TestSupport
import Testing

/// `Groups` against the array of arrays it replaces: the same values for every owner, in the order
/// they were given, empty owners included.
@Suite struct GroupsTests {
    @Test func sameAsAnArrayPerOwner() {
        var random = SplitMix64(seed: 7)
        for owners in [0, 1, 5, 300] {
            let pairs = (0..<(owners == 0 ? 0 : 2_000)).map { i in (owner: Int(random.next() % UInt64(owners)), value: i) }
            var expected = [[Int]](repeating: [], count: owners)
            for p in pairs { expected[p.owner].append(p.value) }
            var walks = 0
            let groups = Groups(owners: owners, blank: -1) { visit in
                walks += 1
                for p in pairs { visit(p.owner, p.value) }
            }
            #expect(walks == 2)
            #expect(groups.owners == owners)
            for owner in 0..<owners {
                #expect(groups.count(of: owner) == expected[owner].count)
                #expect(Array(groups[owner]) == expected[owner])
            }
        }
    }

    @Test func valuesAreEvaluatedOnlyWhenPlaced() {
        var evaluated = 0
        func value(_ v: Int) -> Int { evaluated += 1; return v }
        let groups = Groups(owners: 2, blank: 0) { visit in
            visit(1, value(10))
            visit(0, value(20))
            visit(1, value(30))
        }
        #expect(evaluated == 3)  // the placing walk only
        #expect(Array(groups[0]) == [20] && Array(groups[1]) == [10, 30])
    }
}
