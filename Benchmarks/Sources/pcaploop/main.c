/* The floor rstscope is measured against: read every packet of a capture with libpcap's
   pcap_next_ex and touch each one (sum its first and last byte), nothing else. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: pcaploop FILE\n"); return 64; }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(argv[1], errbuf);
    if (!p) { fprintf(stderr, "pcaploop: %s\n", errbuf); return 66; }
    struct pcap_pkthdr *header;
    const u_char *data;
    unsigned long packets = 0, touched = 0;
    int status;
    while ((status = pcap_next_ex(p, &header, &data)) == 1) {
        packets++;
        if (header->caplen > 0) touched += data[0] + data[header->caplen - 1];
    }
    if (status == PCAP_ERROR) { fprintf(stderr, "pcaploop: %s\n", pcap_geterr(p)); return 1; }
    printf("%lu packets (%lu)\n", packets, touched);
    pcap_close(p);
    return 0;
}
