#ifndef RSTSCOPE_CPCAP_SHIM_H
#define RSTSCOPE_CPCAP_SHIM_H
/* The only door to libpcap: one prefixed function per libpcap call, no logic.
   Swift calls these, never pcap_* directly, so every use is easy to find. */
#include <pcap/pcap.h>

typedef pcap_t cpcap_t;

/* Live capture: create / set / activate. */
static inline pcap_t *cpcap_create(const char *device, char *errbuf) { return pcap_create(device, errbuf); }
static inline int cpcap_set_snaplen(pcap_t *p, int snaplen) { return pcap_set_snaplen(p, snaplen); }
static inline int cpcap_set_promisc(pcap_t *p, int promisc) { return pcap_set_promisc(p, promisc); }
static inline int cpcap_set_buffer_size(pcap_t *p, int bytes) { return pcap_set_buffer_size(p, bytes); }
static inline int cpcap_set_immediate_mode(pcap_t *p, int on) { return pcap_set_immediate_mode(p, on); }
static inline int cpcap_set_timeout(pcap_t *p, int ms) { return pcap_set_timeout(p, ms); }
static inline int cpcap_set_tstamp_precision(pcap_t *p, int precision) { return pcap_set_tstamp_precision(p, precision); }
static inline int cpcap_get_tstamp_precision(pcap_t *p) { return pcap_get_tstamp_precision(p); }
static inline int cpcap_activate(pcap_t *p) { return pcap_activate(p); }
static inline void cpcap_close(pcap_t *p) { pcap_close(p); }

/* Files and dead handles (BPF for files, the --reader libpcap cross-check). */
static inline pcap_t *cpcap_open_offline(const char *path, char *errbuf) {
    return pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
}
static inline pcap_t *cpcap_open_dead(int linktype, int snaplen) {
    return pcap_open_dead_with_tstamp_precision(linktype, snaplen, PCAP_TSTAMP_PRECISION_NANO);
}

/* Reading. */
static inline int cpcap_dispatch(pcap_t *p, int count, pcap_handler callback, u_char *user) {
    return pcap_dispatch(p, count, callback, user);
}
static inline int cpcap_next_ex(pcap_t *p, struct pcap_pkthdr **header, const u_char **data) {
    return pcap_next_ex(p, header, data);
}
static inline void cpcap_breakloop(pcap_t *p) { pcap_breakloop(p); }
static inline int cpcap_setnonblock(pcap_t *p, int nonblock, char *errbuf) { return pcap_setnonblock(p, nonblock, errbuf); }
static inline int cpcap_get_selectable_fd(pcap_t *p) { return pcap_get_selectable_fd(p); }
static inline int cpcap_stats(pcap_t *p, struct pcap_stat *stats) { return pcap_stats(p, stats); }

/* BPF. */
static inline int cpcap_compile(pcap_t *p, struct bpf_program *program, const char *expression, int optimize, bpf_u_int32 netmask) {
    return pcap_compile(p, program, expression, optimize, netmask);
}
static inline int cpcap_setfilter(pcap_t *p, struct bpf_program *program) { return pcap_setfilter(p, program); }
static inline void cpcap_freecode(struct bpf_program *program) { pcap_freecode(program); }
static inline int cpcap_offline_filter(const struct bpf_program *program, const struct pcap_pkthdr *header, const u_char *data) {
    return pcap_offline_filter(program, header, data);
}

/* Names, errors, interfaces. */
static inline int cpcap_datalink(pcap_t *p) { return pcap_datalink(p); }
static inline int cpcap_snapshot(pcap_t *p) { return pcap_snapshot(p); }
static inline const char *cpcap_datalink_val_to_name(int dlt) { return pcap_datalink_val_to_name(dlt); }
static inline const char *cpcap_datalink_val_to_description(int dlt) { return pcap_datalink_val_to_description(dlt); }
static inline char *cpcap_geterr(pcap_t *p) { return pcap_geterr(p); }
static inline const char *cpcap_statustostr(int status) { return pcap_statustostr(status); }
static inline int cpcap_findalldevs(pcap_if_t **list, char *errbuf) { return pcap_findalldevs(list, errbuf); }
static inline void cpcap_freealldevs(pcap_if_t *list) { pcap_freealldevs(list); }
static inline const char *cpcap_lib_version(void) { return pcap_lib_version(); }

#endif
