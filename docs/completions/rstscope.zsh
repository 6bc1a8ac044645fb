#compdef rstscope

__rstscope_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__rstscope_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __rstscope_complete "${completions[@]:0:-1}"
    fi
}

__rstscope_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_rstscope() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '(-D --list-interfaces)'{-D,--list-interfaces}'[List the interfaces libpcap can capture on, as tcpdump -D does.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'analyze:Analyze a capture file (pcap or pcapng, plain or gzip).'
            'live:Capture live on an interface and analyze as packets arrive.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        analyze|live|help)
            "_rstscope_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_rstscope_analyze() {
    local -i ret=1
    local -ar ___format=('text' 'jsonl' 'csv' 'zeek')
    local -ar ___table=('resets' 'connections' 'sessions')
    local -ar ___events=('all' 'problems' 'none')
    local -ar ___reader=('native' 'libpcap')
    local -ar arg_specs=(
        '*'{-r,--read}'[Read packets from this file ('\''-'\'' for standard input). Repeat for several vantage points of the same traffic.]:file:'
        '(-f --filter)'{-f,--filter}'[BPF filter expression (tcpdump syntax).]:expression:'
        '--format[Output format\: text, jsonl, csv (with a header row) or zeek (Zeek-style TSV log).]:format:{__rstscope_complete "${___format[@]}"}'
        '--table[The table --format csv and zeek print\: resets, connections or sessions.]:table:{__rstscope_complete "${___table[@]}"}'
        '--utc[Text output\: show times in UTC (the default is local time, from TZ).]'
        '--fail-on-reset[Exit with status 3 when at least N resets broke connections (benign ones do not count). --fail-on-reset alone means 1.]:N:'
        '--events[Which analysis events to print with --format jsonl\: all (every flag tshark sets, and ACK RTT samples), problems, or none.]:level:{__rstscope_complete "${___events[@]}"}'
        '*--proxy[A proxy\: its front address (and port), then the addresses it connects out from, e.g. 10.0.0.5\:443,10.0.1.5. Repeat for several. Without it, proxies are found in the traffic.]:front\[\:port\]\[,back-source...\]:'
        '--write-annotated[Write the input as pcapng with a packet comment on every frame that carries a finding (Wireshark\: Packet comments, frame.comment).]:file.pcapng:'
        '--only-flagged[With --write-annotated\: only the packets of connections with findings.]'
        '--extract[Write every packet of the connections a reset broke (and the ICMP errors quoting them); pcapng when the input has several interfaces, else pcap.]:file:'
        '--check-checksums[Verify TCP checksums and count bad ones (off by default\: checksum offload makes them wrong on capture hosts).]'
        '--threads[Analysis threads (default\: every CPU it may use, as nproc counts them). Connections are split between them by a hash of their addresses and ports; the output is the same as with one. Used for one plain (not gzip) capture file, without --write-annotated and --extract.]:n:'
        '--reader[Which reader to use\: native (ours) or libpcap (a cross-check; pcap files).]:reader:{__rstscope_complete "${___reader[@]}"}'
        '*:file | expression:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rstscope_live() {
    local -i ret=1
    local -ar ___format=('text' 'jsonl' 'csv' 'zeek')
    local -ar ___events=('all' 'problems' 'none')
    local -ar ___table=('resets' 'connections' 'sessions')
    local -ar arg_specs=(
        '(-i --interface)'{-i,--interface}'[Capture on this interface (see -D).]:interface:'
        '(-c --count)'{-c,--count}'[Stop after this many packets.]:count:'
        '(-s --snapshot-length)'{-s,--snapshot-length}'[Bytes to capture of each packet (0 means 262144).]:snaplen:'
        '--duration[Stop after this many seconds.]:seconds:'
        '(-f --filter)'{-f,--filter}'[BPF filter expression (tcpdump syntax).]:expression:'
        '(-p --no-promiscuous-mode)'{-p,--no-promiscuous-mode}'[Do not put the interface into promiscuous mode.]'
        '(-B --buffer-size)'{-B,--buffer-size}'[Kernel capture buffer in KiB (larger than tcpdump'\''s 2 MiB\: bursts are what resets come in).]:KiB:'
        '--idle-timeout[Report and forget connections idle this long, so memory follows the connections alive.]:seconds:'
        '(-D --list-interfaces)'{-D,--list-interfaces}'[List the interfaces and exit.]'
        '--format[Output format\: text, jsonl, csv or zeek (the final report; intervals are text or JSON lines).]:format:{__rstscope_complete "${___format[@]}"}'
        '--events[Which analysis events to print as they happen with --format jsonl\: all, problems or none.]:level:{__rstscope_complete "${___events[@]}"}'
        '--interval[Print an interval record (or a text line) every this many seconds of capture.]:seconds:'
        '(-w --write)'{-w,--write}'[Write every captured packet to this pcap file, as tcpdump -w.]:file:'
        '--write-annotated[When the capture ends, write it as pcapng with a packet comment on every frame that carries a finding (the packets are spooled to -w'\''s file, or to an unlinked temporary file, meanwhile).]:file.pcapng:'
        '--only-flagged[With --write-annotated\: only the packets of connections with findings.]'
        '(-Z --relinquish-privileges)'{-Z,--relinquish-privileges}'[Once the capture is open and the filter set, drop root and run as this user (tcpdump -Z).]:user:'
        '--metrics[Serve Prometheus metrics on \[ADDR\:\]PORT at /metrics (127.0.0.1 unless an address is given).]:\[addr\:\]port:'
        '--table[The table --format csv and zeek print at the end\: resets, connections or sessions.]:table:{__rstscope_complete "${___table[@]}"}'
        '--utc[Text output\: show times in UTC (the default is local time).]'
        '*:expression:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_rstscope_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _rstscope ]]; then
    _rstscope "${@}"
else
    compdef _rstscope rstscope
fi
