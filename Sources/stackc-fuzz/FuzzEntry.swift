import StackFuzzing

#if FUZZING
    import CFuzzerDriver

    /// The program's entry when built for libFuzzer (`-sanitize=fuzzer,address -DFUZZING`,
    /// `make fuzz`): SwiftPM links an executable's entry as `stackc_fuzz_main`, so this is it,
    /// and it hands the command line to libFuzzer's driver with the target below.
    @_cdecl("stackc_fuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, fuzzOne)
    }

    /// One input through every invariant; a broken one stops the run as a crash, which
    /// libFuzzer saves as a finding.
    func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        let problems = FrontEndInvariants.violations(of: bytes)
        if !problems.isEmpty { fatalError("invariant broken:\n" + problems.joined(separator: "\n")) }
        return 0
    }
#else
    import Glibc

    /// Without the fuzzer: replays the files named on the command line through the same
    /// invariants (a finding, or a corpus), printing each one that breaks any; exit 1 then.
    @main
    struct FuzzReplay {
        static func main() {
            var failed = false
            for path in CommandLine.arguments.dropFirst() {
                guard let bytes = read(path) else {
                    print("\(path): cannot read")
                    failed = true
                    continue
                }
                let problems = FrontEndInvariants.violations(of: bytes)
                guard !problems.isEmpty else { continue }
                failed = true
                print("\(path):\n" + problems.map { "  \($0)" }.joined(separator: "\n"))
            }
            exit(failed ? 1 : 0)
        }

        static func read(_ path: String) -> [UInt8]? {
            guard let file = fopen(path, "rb") else { return nil }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = fread(&chunk, 1, chunk.count, file)
                if count == 0 { break }
                bytes += chunk[..<count]
            }
            return bytes
        }
    }
#endif
