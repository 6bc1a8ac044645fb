#ifndef RSTSCOPE_CPCAP_H
#define RSTSCOPE_CPCAP_H
/* The only door to libpcap: one prefixed function per libpcap call, no logic. Swift calls these,
   never pcap_* directly, so every use is easy to find.

   libpcap is loaded on the first call (dlopen), not at start-up: our own readers analyze files
   without it, and Debian's libpcap brings eight more libraries (D-Bus, systemd, libgcrypt...):
   1.1 MiB of every run's memory and their start-up, for live capture, BPF filters and
   `--reader libpcap` only. The functions that open a handle report a failure to load in their
   error buffer (or `cpcap_load_error`); the others need a handle, so libpcap is loaded by then. */
#include <pcap/pcap.h>

typedef pcap_t cpcap_t;

/* Why libpcap could not be loaded (NULL once it is loaded; loads it if not yet tried). */
const char *cpcap_load_error(void);

/* Live capture: create / set / activate. */
pcap_t *cpcap_create(const char *device, char *errbuf);
int cpcap_set_snaplen(pcap_t *p, int snaplen);
int cpcap_set_promisc(pcap_t *p, int promisc);
int cpcap_set_buffer_size(pcap_t *p, int bytes);
int cpcap_set_immediate_mode(pcap_t *p, int on);
int cpcap_set_timeout(pcap_t *p, int ms);
int cpcap_set_tstamp_precision(pcap_t *p, int precision);
int cpcap_get_tstamp_precision(pcap_t *p);
int cpcap_activate(pcap_t *p);
void cpcap_close(pcap_t *p);

/* Files and dead handles (BPF for files, the --reader libpcap cross-check); nanosecond stamps. */
pcap_t *cpcap_open_offline(const char *path, char *errbuf);
pcap_t *cpcap_open_dead(int linktype, int snaplen);

/* Reading. */
int cpcap_dispatch(pcap_t *p, int count, pcap_handler callback, u_char *user);
int cpcap_next_ex(pcap_t *p, struct pcap_pkthdr **header, const u_char **data);
void cpcap_breakloop(pcap_t *p);
int cpcap_setnonblock(pcap_t *p, int nonblock, char *errbuf);
int cpcap_get_selectable_fd(pcap_t *p);
int cpcap_stats(pcap_t *p, struct pcap_stat *stats);

/* BPF. */
int cpcap_compile(pcap_t *p, struct bpf_program *program, const char *expression, int optimize, bpf_u_int32 netmask);
int cpcap_setfilter(pcap_t *p, struct bpf_program *program);
void cpcap_freecode(struct bpf_program *program);
int cpcap_offline_filter(const struct bpf_program *program, const struct pcap_pkthdr *header, const u_char *data);

/* Names, errors, interfaces. The name lookups give NULL when libpcap cannot be loaded. */
int cpcap_datalink(pcap_t *p);
int cpcap_snapshot(pcap_t *p);
const char *cpcap_datalink_val_to_name(int dlt);
const char *cpcap_datalink_val_to_description(int dlt);
char *cpcap_geterr(pcap_t *p);
const char *cpcap_statustostr(int status);
int cpcap_findalldevs(pcap_if_t **list, char *errbuf);
void cpcap_freealldevs(pcap_if_t *list);
const char *cpcap_lib_version(void);

#endif
