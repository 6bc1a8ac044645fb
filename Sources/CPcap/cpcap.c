/* libpcap, loaded on first use (see include/cpcap.h): a table of its functions, filled once. */
#include "cpcap.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* Every function the shim forwards, by name and type: the table's fields, and what is looked up. */
#define CPCAP_FUNCTIONS(X) \
    X(pcap_create, pcap_t *, (const char *, char *)) \
    X(pcap_set_snaplen, int, (pcap_t *, int)) \
    X(pcap_set_promisc, int, (pcap_t *, int)) \
    X(pcap_set_buffer_size, int, (pcap_t *, int)) \
    X(pcap_set_immediate_mode, int, (pcap_t *, int)) \
    X(pcap_set_timeout, int, (pcap_t *, int)) \
    X(pcap_set_tstamp_precision, int, (pcap_t *, int)) \
    X(pcap_get_tstamp_precision, int, (pcap_t *)) \
    X(pcap_activate, int, (pcap_t *)) \
    X(pcap_close, void, (pcap_t *)) \
    X(pcap_open_offline_with_tstamp_precision, pcap_t *, (const char *, u_int, char *)) \
    X(pcap_open_dead_with_tstamp_precision, pcap_t *, (int, int, u_int)) \
    X(pcap_dispatch, int, (pcap_t *, int, pcap_handler, u_char *)) \
    X(pcap_next_ex, int, (pcap_t *, struct pcap_pkthdr **, const u_char **)) \
    X(pcap_breakloop, void, (pcap_t *)) \
    X(pcap_setnonblock, int, (pcap_t *, int, char *)) \
    X(pcap_get_selectable_fd, int, (pcap_t *)) \
    X(pcap_stats, int, (pcap_t *, struct pcap_stat *)) \
    X(pcap_compile, int, (pcap_t *, struct bpf_program *, const char *, int, bpf_u_int32)) \
    X(pcap_setfilter, int, (pcap_t *, struct bpf_program *)) \
    X(pcap_freecode, void, (struct bpf_program *)) \
    X(pcap_offline_filter, int, (const struct bpf_program *, const struct pcap_pkthdr *, const u_char *)) \
    X(pcap_datalink, int, (pcap_t *)) \
    X(pcap_snapshot, int, (pcap_t *)) \
    X(pcap_datalink_val_to_name, const char *, (int)) \
    X(pcap_datalink_val_to_description, const char *, (int)) \
    X(pcap_geterr, char *, (pcap_t *)) \
    X(pcap_statustostr, const char *, (int)) \
    X(pcap_findalldevs, int, (pcap_if_t **, char *)) \
    X(pcap_freealldevs, void, (pcap_if_t *)) \
    X(pcap_lib_version, const char *, (void))

#define CPCAP_FIELD(name, result, parameters) result (*name) parameters;
static struct { CPCAP_FUNCTIONS(CPCAP_FIELD) } lib;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];
static int loaded;

static void load(void) {
    /* Debian's soname first (libpcap0.8), then the upstream ones. */
    static const char *const names[] = { "libpcap.so.0.8", "libpcap.so.1", "libpcap.so" };
    void *handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !handle; i++) handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(load_error, sizeof load_error, "cannot load libpcap: %s", dlerror());
        return;
    }
#define CPCAP_LOOKUP(name, result, parameters) \
    if (!(*(void **)&lib.name = dlsym(handle, #name))) { \
        snprintf(load_error, sizeof load_error, "libpcap lacks %s", #name); \
        return; \
    }
    CPCAP_FUNCTIONS(CPCAP_LOOKUP)
    loaded = 1;
}

/* Loads libpcap once; false (and the reason in `errbuf`, if any) when it cannot be. */
static int ready(char *errbuf) {
    pthread_once(&once, load);
    if (!loaded && errbuf) snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", load_error);
    return loaded;
}

const char *cpcap_load_error(void) { return ready(NULL) ? NULL : load_error; }

/* The functions that may come first load libpcap; the rest take a handle one of them made. */
pcap_t *cpcap_create(const char *device, char *errbuf) { return ready(errbuf) ? lib.pcap_create(device, errbuf) : NULL; }
pcap_t *cpcap_open_offline(const char *path, char *errbuf) {
    return ready(errbuf) ? lib.pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf) : NULL;
}
pcap_t *cpcap_open_dead(int linktype, int snaplen) {
    return ready(NULL) ? lib.pcap_open_dead_with_tstamp_precision(linktype, snaplen, PCAP_TSTAMP_PRECISION_NANO) : NULL;
}
int cpcap_findalldevs(pcap_if_t **list, char *errbuf) { return ready(errbuf) ? lib.pcap_findalldevs(list, errbuf) : PCAP_ERROR; }
const char *cpcap_datalink_val_to_name(int dlt) { return ready(NULL) ? lib.pcap_datalink_val_to_name(dlt) : NULL; }
const char *cpcap_datalink_val_to_description(int dlt) { return ready(NULL) ? lib.pcap_datalink_val_to_description(dlt) : NULL; }
const char *cpcap_statustostr(int status) { return ready(NULL) ? lib.pcap_statustostr(status) : load_error; }
const char *cpcap_lib_version(void) { return ready(NULL) ? lib.pcap_lib_version() : load_error; }

int cpcap_set_snaplen(pcap_t *p, int snaplen) { return lib.pcap_set_snaplen(p, snaplen); }
int cpcap_set_promisc(pcap_t *p, int promisc) { return lib.pcap_set_promisc(p, promisc); }
int cpcap_set_buffer_size(pcap_t *p, int bytes) { return lib.pcap_set_buffer_size(p, bytes); }
int cpcap_set_immediate_mode(pcap_t *p, int on) { return lib.pcap_set_immediate_mode(p, on); }
int cpcap_set_timeout(pcap_t *p, int ms) { return lib.pcap_set_timeout(p, ms); }
int cpcap_set_tstamp_precision(pcap_t *p, int precision) { return lib.pcap_set_tstamp_precision(p, precision); }
int cpcap_get_tstamp_precision(pcap_t *p) { return lib.pcap_get_tstamp_precision(p); }
int cpcap_activate(pcap_t *p) { return lib.pcap_activate(p); }
void cpcap_close(pcap_t *p) { lib.pcap_close(p); }
int cpcap_dispatch(pcap_t *p, int count, pcap_handler callback, u_char *user) { return lib.pcap_dispatch(p, count, callback, user); }
int cpcap_next_ex(pcap_t *p, struct pcap_pkthdr **header, const u_char **data) { return lib.pcap_next_ex(p, header, data); }
void cpcap_breakloop(pcap_t *p) { lib.pcap_breakloop(p); }
int cpcap_setnonblock(pcap_t *p, int nonblock, char *errbuf) { return lib.pcap_setnonblock(p, nonblock, errbuf); }
int cpcap_get_selectable_fd(pcap_t *p) { return lib.pcap_get_selectable_fd(p); }
int cpcap_stats(pcap_t *p, struct pcap_stat *stats) { return lib.pcap_stats(p, stats); }
int cpcap_compile(pcap_t *p, struct bpf_program *program, const char *expression, int optimize, bpf_u_int32 netmask) {
    return lib.pcap_compile(p, program, expression, optimize, netmask);
}
int cpcap_setfilter(pcap_t *p, struct bpf_program *program) { return lib.pcap_setfilter(p, program); }
/* (A program is freed also when its compiling never started: libpcap could not be loaded.) */
void cpcap_freecode(struct bpf_program *program) { if (ready(NULL)) lib.pcap_freecode(program); }
int cpcap_offline_filter(const struct bpf_program *program, const struct pcap_pkthdr *header, const u_char *data) {
    return lib.pcap_offline_filter(program, header, data);
}
int cpcap_datalink(pcap_t *p) { return lib.pcap_datalink(p); }
int cpcap_snapshot(pcap_t *p) { return lib.pcap_snapshot(p); }
char *cpcap_geterr(pcap_t *p) { return lib.pcap_geterr(p); }
void cpcap_freealldevs(pcap_if_t *list) { lib.pcap_freealldevs(list); }
