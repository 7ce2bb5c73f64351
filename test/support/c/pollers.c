/*
 * pollers: one thread in poll() and one in select() over many descriptors.
 *
 *   pollers <nfds> <timeout-ms>
 *
 * Opens <nfds> eventfds (never written, so never readable). Thread "poller"
 * calls poll() on all of them; thread "selector" calls select() on those below
 * FD_SETSIZE (1024), with nfds = the highest of them + 1. With <timeout-ms> -1
 * both block for ever; with a timeout >= 0 both loop, calling again as soon
 * as the call times out (0: a busy loop of syscalls). Once both threads have
 * started writes
 *   ready main=<tid> poll=<tid> select=<tid> nfds=<n> selectnfds=<n>
 * and the main thread sleeps in nanosleep.
 */
#include "lab.h"
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/select.h>

static struct pollfd *pfds;
static int nfds, timeout_ms, select_nfds;
static fd_set select_set;
static atomic_int poll_tid, select_tid;

static void *poller(void *arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "poller");
  atomic_store(&poll_tid, gettid());
  for (;;) poll(pfds, (nfds_t)nfds, timeout_ms);
  return NULL;
}

static void *selector(void *arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "selector");
  atomic_store(&select_tid, gettid());
  for (;;) {
    fd_set readable = select_set;
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    select(select_nfds, &readable, NULL, NULL, timeout_ms < 0 ? NULL : &tv);
  }
  return NULL;
}

int main(int argc, char **argv) {
  lab_init("pollers");
  nfds = argc == 3 ? atoi(argv[1]) : 0;
  if (nfds < 1) usage("pollers <nfds> <timeout-ms, -1 for none>");
  timeout_ms = atoi(argv[2]);
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < (rlim_t)nfds + 16 && lim.rlim_max >= (rlim_t)nfds + 16) {
    lim.rlim_cur = (rlim_t)nfds + 16;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  pfds = calloc((size_t)nfds, sizeof *pfds);
  if (!pfds) die("calloc");
  FD_ZERO(&select_set);
  for (int i = 0; i < nfds; i++) {
    int fd = eventfd(0, EFD_CLOEXEC);
    if (fd < 0) die("eventfd");
    pfds[i] = (struct pollfd){.fd = fd, .events = POLLIN};
    if (fd < FD_SETSIZE) {
      FD_SET(fd, &select_set);
      if (fd + 1 > select_nfds) select_nfds = fd + 1;
    }
  }
  start_thread(poller, NULL);
  start_thread(selector, NULL);
  while (atomic_load(&poll_tid) == 0 || atomic_load(&select_tid) == 0) sleep_ms(1);
  say("ready main=%d poll=%d select=%d nfds=%d selectnfds=%d", (int)gettid(), atomic_load(&poll_tid),
      atomic_load(&select_tid), nfds, select_nfds);
  sleep_forever();
}
