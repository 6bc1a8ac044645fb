function __rstscope_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rstscope_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rstscope_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rstscope_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rstscope_parse_tokens -S
    set -l unparsed_tokens (__rstscope_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rstscope'
        __rstscope_parse_subcommand 0 'D/list-interfaces' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'analyze'
            __rstscope_parse_subcommand -r 1 'r/read=+' 'f/filter=' 'format=' 'table=' 'utc' 'fail-on-reset=' 'events=' 'proxy=+' 'write-annotated=' 'only-flagged' 'extract=' 'check-checksums' 'threads=' 'reader=' 'version' 'h/help'
        case 'live'
            __rstscope_parse_subcommand -r 1 'i/interface=' 'c/count=' 's/snapshot-length=' 'duration=' 'f/filter=' 'p/no-promiscuous-mode' 'B/buffer-size=' 'idle-timeout=' 'D/list-interfaces' 'format=' 'events=' 'interval=' 'w/write=' 'write-annotated=' 'only-flagged' 'Z/relinquish-privileges=' 'metrics=' 'table=' 'utc' 'version' 'h/help'
        case 'help'
            __rstscope_parse_subcommand -r 1 'version'
        end
    end
end

function __rstscope_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rstscope_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __rstscope_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rstscope_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rstscope_tokens -p)
    if test -z "$(__rstscope_tokens -t)"
        set -l index (count (__rstscope_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rstscope' -f
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope" D list-interfaces' -s 'D' -l 'list-interfaces' -d 'List the interfaces libpcap can capture on, as tcpdump -D does.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope" version' -l 'version' -d 'Show the version.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_positional "rstscope" -eq 1' -fa 'analyze' -d 'Analyze a capture file (pcap or pcapng, plain or gzip).'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_positional "rstscope" -eq 1' -fa 'live' -d 'Capture live on an interface and analyze as packets arrive.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_positional "rstscope" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze"' -s 'r' -l 'read' -d 'Read packets from this file (\'-\' for standard input). Repeat for several vantage points of the same traffic.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" f filter' -s 'f' -l 'filter' -d 'BPF filter expression (tcpdump syntax).' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" format' -l 'format' -d 'Output format: text, jsonl, csv (with a header row) or zeek (Zeek-style TSV log).' -rfka 'text jsonl csv zeek'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" table' -l 'table' -d 'The table --format csv and zeek print: resets, connections or sessions.' -rfka 'resets connections sessions'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" utc' -l 'utc' -d 'Text output: show times in UTC (the default is local time, from TZ).'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" fail-on-reset' -l 'fail-on-reset' -d 'Exit with status 3 when at least N resets broke connections (benign ones do not count). --fail-on-reset alone means 1.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" events' -l 'events' -d 'Which analysis events to print with --format jsonl: all (every flag tshark sets, and ACK RTT samples), problems, or none.' -rfka 'all problems none'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze"' -l 'proxy' -d 'A proxy: its front address (and port), then the addresses it connects out from, e.g. 10.0.0.5:443,10.0.1.5. Repeat for several. Without it, proxies are found in the traffic.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" write-annotated' -l 'write-annotated' -d 'Write the input as pcapng with a packet comment on every frame that carries a finding (Wireshark: Packet comments, frame.comment).' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" only-flagged' -l 'only-flagged' -d 'With --write-annotated: only the packets of connections with findings.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" extract' -l 'extract' -d 'Write every packet of the connections a reset broke (and the ICMP errors quoting them); pcapng when the input has several interfaces, else pcap.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" check-checksums' -l 'check-checksums' -d 'Verify TCP checksums and count bad ones (off by default: checksum offload makes them wrong on capture hosts).'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" threads' -l 'threads' -d 'Analysis threads (default: every CPU it may use, as nproc counts them). Connections are split between them by a hash of their addresses and ports; the output is the same as with one. Used for one plain (not gzip) capture file, without --write-annotated and --extract.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" reader' -l 'reader' -d 'Which reader to use: native (ours) or libpcap (a cross-check; pcap files).' -rfka 'native libpcap'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" version' -l 'version' -d 'Show the version.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope analyze" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" i interface' -s 'i' -l 'interface' -d 'Capture on this interface (see -D).' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" c count' -s 'c' -l 'count' -d 'Stop after this many packets.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" s snapshot-length' -s 's' -l 'snapshot-length' -d 'Bytes to capture of each packet (0 means 262144).' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" duration' -l 'duration' -d 'Stop after this many seconds.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" f filter' -s 'f' -l 'filter' -d 'BPF filter expression (tcpdump syntax).' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" no-promiscuous-mode p' -s 'p' -l 'no-promiscuous-mode' -d 'Do not put the interface into promiscuous mode.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" B buffer-size' -s 'B' -l 'buffer-size' -d 'Kernel capture buffer in KiB (larger than tcpdump\'s 2 MiB: bursts are what resets come in).' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" idle-timeout' -l 'idle-timeout' -d 'Report and forget connections idle this long, so memory follows the connections alive.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" D list-interfaces' -s 'D' -l 'list-interfaces' -d 'List the interfaces and exit.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" format' -l 'format' -d 'Output format: text, jsonl, csv or zeek (the final report; intervals are text or JSON lines).' -rfka 'text jsonl csv zeek'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" events' -l 'events' -d 'Which analysis events to print as they happen with --format jsonl: all, problems or none.' -rfka 'all problems none'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" interval' -l 'interval' -d 'Print an interval record (or a text line) every this many seconds of capture.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" w write' -s 'w' -l 'write' -d 'Write every captured packet to this pcap file, as tcpdump -w.' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" write-annotated' -l 'write-annotated' -d 'When the capture ends, write it as pcapng with a packet comment on every frame that carries a finding (the packets are spooled to -w\'s file, or to an unlinked temporary file, meanwhile).' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" only-flagged' -l 'only-flagged' -d 'With --write-annotated: only the packets of connections with findings.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" Z relinquish-privileges' -s 'Z' -l 'relinquish-privileges' -d 'Once the capture is open and the filter set, drop root and run as this user (tcpdump -Z).' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" metrics' -l 'metrics' -d 'Serve Prometheus metrics on [ADDR:]PORT at /metrics (127.0.0.1 unless an address is given).' -rfka ''
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" table' -l 'table' -d 'The table --format csv and zeek print at the end: resets, connections or sessions.' -rfka 'resets connections sessions'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" utc' -l 'utc' -d 'Text output: show times in UTC (the default is local time).'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" version' -l 'version' -d 'Show the version.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope live" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rstscope' -n '__rstscope_should_offer_completions_for_flags_or_options "rstscope help" version' -l 'version' -d 'Show the version.'
